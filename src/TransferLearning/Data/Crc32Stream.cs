namespace TransferLearning.Data;

/// <summary>
/// A read-only pass-through stream that computes the CRC-32 (IEEE 802.3, the gzip checksum) and the length of
/// everything read through it, so that the gzip trailer can be checked (<see cref="System.IO.Compression.GZipStream"/>
/// does not check it).
/// </summary>
internal sealed class Crc32Stream(Stream inner) : Stream
{
    private static readonly uint[] Table = BuildTable();
    private uint _crc = 0xFFFFFFFFu;

    /// <summary>Gets the CRC-32 of the bytes read so far.</summary>
    public uint Crc => ~_crc;

    /// <summary>Gets the number of bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        uint crc = _crc;
        foreach (byte b in buffer[..n])
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        _crc = crc;
        BytesRead += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
