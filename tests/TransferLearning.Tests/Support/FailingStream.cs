namespace TransferLearning.Tests.Support;

/// <summary>
/// Writes through to an inner stream until <c>budget</c> bytes have gone, then throws <c>failure()</c> (by default an
/// <see cref="IOException"/>): a save interrupted mid-write, or one that reaches a file-size limit.
/// </summary>
internal sealed class FailingStream(Stream inner, long budget, Func<Exception>? failure = null) : Stream
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
            throw failure?.Invoke() ?? new IOException($"Injected failure after {budget} bytes.");
        }

        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
