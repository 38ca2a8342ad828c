#!/usr/bin/python3
"""Pretrains the source network past one process: PyTorch's DistributedDataParallel, then this library takes over.

The hand-over the README's "Past one machine" describes, runnable on one machine with two processes (the gloo
backend on the loopback) and unchanged on several (torchrun --nnodes N --rdzv_endpoint HOST:PORT):

    torchrun --standalone --nproc_per_node 2 samples/PastOneMachine/pretrain_ddp.py --out DIR [--epochs 2] [--limit N]

Each process reads Fashion-MNIST (/usr/share/datasets/fashion-mnist/, or --data DIR: the four IDX files, gzip), takes
its share of the training images (DistributedSampler), and trains the same nn.Sequential as the library's
Network.Create(784).Dense(512, ReLU).Dense(256, ReLU).Dense(10, Softmax) — Linear(784, 512), ReLU, Linear(512, 256),
ReLU, Linear(256, 10), the softmax in the loss — with Adam; DDP averages the gradients across processes after every
step, so every process holds the same weights. Rank 0 then writes into DIR:

- source.safetensors: the state_dict (keys 0.weight, 0.bias, 2.*, 4.*; float32), which PyTorchImport.Load reads into
  the library's network (strict, by key);
- expected.json: the first 16 test images' indices in the t10k file, PyTorch's class probabilities for them
  (softmax of the logits, eval mode), the test accuracy, the training examples per second and the world size.

Pixels are scaled to [0, 1] as FashionMnist.LoadFrom gives them. Seeded (--seed): the same command gives the same
weights on the same machine. Debian's python3-torch (1.13) has no safetensors package: the file is written by hand
(an unsigned 64-bit little-endian header length, the JSON header, then the tensors' little-endian bytes).
"""
import argparse
import gzip
import json
import os
import struct
import time

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset


def read_idx(folder, name):
    with gzip.open(os.path.join(folder, name), "rb") as f:
        data = f.read()
    _, dtype, dims = struct.unpack(">HBB", data[:4])
    assert dtype == 0x08, "unsigned bytes expected"
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def load(folder, split, limit=None):
    images = read_idx(folder, f"{split}-images-idx3-ubyte.gz")
    labels = read_idx(folder, f"{split}-labels-idx1-ubyte.gz").long()
    if limit:
        images, labels = images[:limit], labels[:limit]
    return images.reshape(len(images), 784).float() / 255.0, labels


def write_safetensors(path, tensors):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, t in tensors.items():
        raw = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)
    os.replace(path + ".tmp", path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N training images only")
    parser.add_argument("--batch", type=int, default=128, help="mini-batch per process")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)

    x, y = load(args.data, "train", args.limit)
    train = TensorDataset(x, y)
    sampler = DistributedSampler(train, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(train, batch_size=args.batch, sampler=sampler)
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    ddp = DistributedDataParallel(model)
    optimiser = torch.optim.Adam(ddp.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    start = time.perf_counter()
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        ddp.train()
        for xb, yb in loader:
            optimiser.zero_grad()
            loss = loss_fn(ddp(xb), yb)
            loss.backward()
            optimiser.step()
        if rank == 0:
            print(f"epoch {epoch + 1}: loss {loss.item():.4f}", flush=True)
    seconds = time.perf_counter() - start

    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        model.eval()
        test_x, test_y = load(args.data, "t10k")
        with torch.no_grad():
            accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
            probabilities = torch.softmax(model(test_x[:16]), dim=1)
        write_safetensors(os.path.join(args.out, "source.safetensors"), model.state_dict())
        expected = {
            "world_size": world,
            "epochs": args.epochs,
            "train_examples": len(train),
            "examples_per_second": len(train) * args.epochs / seconds,
            "test_accuracy": accuracy,
            "test_indices": list(range(16)),
            "probabilities": probabilities.tolist(),
        }
        with open(os.path.join(args.out, "expected.json"), "w") as f:
            json.dump(expected, f, indent=1)
        print(f"test accuracy {accuracy:.4f}; {expected['examples_per_second']:.0f} training examples/s over {world} processes; wrote {args.out}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
