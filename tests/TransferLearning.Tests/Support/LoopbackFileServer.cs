using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TransferLearning.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (a random free port; loopback only) serving fixed bytes per path,
/// for download tests that must never reach the network. A file may declare a longer Content-Length than
/// the bytes it sends, to imitate a connection that breaks off.
/// </summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, (byte[] Body, long DeclaredLength)> _files = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackFileServer()
    {
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/data/");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>Gets the paths requested, in order.</summary>
    public List<string> Requests { get; } = [];

    public void Serve(string name, byte[] body, long? declaredLength = null) =>
        _files["/data/" + name] = (body, declaredLength ?? body.Length);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeOneAsync(client));
        }
    }

    private async Task ServeOneAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            string? requestLine = await reader.ReadLineAsync();
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
            {
                // Skip the request headers.
            }

            string path = requestLine?.Split(' ') is [_, var p, ..] ? p : "";
            lock (Requests)
            {
                Requests.Add(path);
            }

            if (!_files.TryGetValue(path, out var file))
            {
                await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
                return;
            }

            var header = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {file.DeclaredLength}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(header);
            await stream.WriteAsync(file.Body);
            await stream.FlushAsync();
        }
    }
}
