using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace Heerlen.Munt.Server.Tests.Support;

/// <summary>
/// Clients that connect from a chosen loopback address (127.0.0.2, 127.0.0.3, …: Linux answers the whole 127/8 on
/// <c>lo</c>), so one test can play an attacker and an honest client that the server tells apart by address, as it
/// would two phones on the internet.
/// </summary>
public static class FromAddress
{
    /// <summary>127.0.0.<paramref name="last"/>.</summary>
    public static IPAddress Loopback(byte last) => new([127, 0, 0, last]);

    /// <summary>A gRPC channel whose connections start from <paramref name="local"/>.</summary>
    public static GrpcChannel Channel(string url, IPAddress local) => GrpcChannel.ForAddress(url, new GrpcChannelOptions
    {
        HttpHandler = Handler(local),
        MaxReceiveMessageSize = 8 * 1024 * 1024,
    });

    /// <summary>An HTTP/1.1 client whose connections start from <paramref name="local"/>.</summary>
    public static HttpClient Http(string url, IPAddress local) =>
        new(Handler(local)) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A bare TCP connection from <paramref name="local"/> to the server at <paramref name="url"/>, for clients that misbehave below HTTP.</summary>
    public static async Task<Socket> SocketAsync(string url, IPAddress local, CancellationToken ct = default)
    {
        var uri = new Uri(url);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port), ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits until the server closes the connection (a read returns 0 bytes or the connection is reset), reading and
    /// dropping whatever it sends first; false if it is still open after <paramref name="within"/>.
    /// </summary>
    public static async Task<bool> ClosedByServerAsync(Socket socket, TimeSpan within)
    {
        using var until = new CancellationTokenSource(within);
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, until.Token) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static SocketsHttpHandler Handler(IPAddress local) => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, ct) =>
        {
            var socket = await SocketAsync($"http://{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}", local, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };
}
