namespace TransferLearning.Tests.Support;

/// <summary>Writes through to an inner stream until <c>budget</c> bytes have gone, then throws: a save interrupted mid-write.</summary>
internal sealed class FailingStream(Stream inner, long budget) : Stream
{
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = budget - _written;
        if (buffer.Length > room)
        {
            inner.Write(buffer[..(int)Math.Max(room, 0)]);
            _written = budget;
            throw new IOException($"Injected failure after {budget} bytes.");
        }

        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
