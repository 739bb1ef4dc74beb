using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Server.Tests.Support;
using Xunit.Abstractions;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.Edge;

/// <summary>
/// Clients that hold the server's connections without doing their share: trickled headers and bodies, a stream nobody
/// reads, a pile of connections from one address. Each is cut off or refused while a client from another address is
/// served. Each test runs a server of its own with short timeouts, so an attack is cut off in seconds.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SlowClientTests(ServerFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly IPAddress Attacker = FromAddress.Loopback(66);
    private static readonly IPAddress Honest = FromAddress.Loopback(7);

    [Fact]
    public async Task a_client_trickling_its_request_headers_is_disconnected_while_another_client_is_served()
    {
        var server = await SlowServerAsync();
        using var socket = await FromAddress.SocketAsync(server.HttpUrl, Attacker);
        var clock = Stopwatch.StartNew();
        var closed = FromAddress.ClosedByServerAsync(socket, TimeSpan.FromSeconds(30));
        var trickle = TrickleAsync(socket, "GET /v1/chain HTTP/1.1\r\nHost: munt\r\nX-Slow: "u8.ToArray(), closed);

        var honest = await HonestCallsWhileAsync(server, closed);

        Assert.True(await closed, "the server still holds a connection whose headers never end, after 30 s");
        output.WriteLine($"headers trickled at 5 bytes a second: cut off after {clock.Elapsed.TotalSeconds:0.0} s, {await trickle} bytes sent; honest client meanwhile: {honest}");
        Assert.All(honest.Answers, a => Assert.Equal(Answers.Allowed, a));
    }

    [Fact]
    public async Task a_json_body_trickled_below_the_minimum_rate_is_cut_off_while_another_client_is_served()
    {
        var server = await SlowServerAsync();
        using var socket = await FromAddress.SocketAsync(server.HttpUrl, Attacker);
        var clock = Stopwatch.StartNew();
        var closed = FromAddress.ClosedByServerAsync(socket, TimeSpan.FromSeconds(30));
        await socket.SendAsync("POST /v1/commands HTTP/1.1\r\nHost: munt\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"envelope\": \""u8.ToArray());
        var trickle = TrickleAsync(socket, [], closed);

        var honest = await HonestCallsWhileAsync(server, closed);

        Assert.True(await closed, "the server still waits for a body trickled at 5 bytes a second, after 30 s");
        output.WriteLine($"JSON body trickled at 5 bytes a second: cut off after {clock.Elapsed.TotalSeconds:0.0} s, {await trickle} bytes sent; honest client meanwhile: {honest}");
        Assert.All(honest.Answers, a => Assert.Equal(Answers.Allowed, a));
    }

    [Fact]
    public async Task a_grpc_message_trickled_below_the_minimum_rate_is_cut_off_while_another_client_is_served()
    {
        var server = await SlowServerAsync();
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = async (c, ct) => new NetworkStream(await FromAddress.SocketAsync(server.GrpcUrl, Attacker, ct), true) });
        using var request = new HttpRequestMessage(HttpMethod.Post, server.GrpcUrl + "/heerlen.munt.v1.Ledger/SubmitCommand")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new TrickledGrpcMessage(1000),
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        var clock = Stopwatch.StartNew();
        var answered = AnsweredAsync(http, request);

        var honest = await HonestCallsWhileAsync(server, answered);

        string answer = await answered;
        output.WriteLine($"gRPC message trickled at 5 bytes a second: ended after {clock.Elapsed.TotalSeconds:0.0} s with {answer}; honest client meanwhile: {honest}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the server still waits for a gRPC message trickled at 5 bytes a second, after 30 s");
        Assert.All(honest.Answers, a => Assert.Equal(Answers.Allowed, a));
    }

    [Fact]
    public async Task a_client_that_never_reads_its_entry_stream_loses_it_and_its_place_while_another_client_is_served()
    {
        var server = await SlowServerAsync(new() { ["Munt:Limits:StreamsPerAddress"] = "1" });
        var clock = Stopwatch.StartNew();
        await EntriesAsync(server, 300);
        var auditor = "Bearer " + (await SessionOfAsync(server, "cbs"));
        using var attacker = FromAddress.Channel(server.GrpcUrl, Attacker);
        var ledger = new Contracts.V1.Ledger.LedgerClient(attacker);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var stuck = ledger.StreamEntries(new StreamEntriesRequest(), Answers.OptionsWithHeader(auditor, stop.Token).WithDeadline(DateTime.UtcNow.AddSeconds(60)));
        Assert.True(await stuck.ResponseStream.MoveNext(stop.Token)); // then never again: the flow-control window fills
        output.WriteLine($"{server.Runtime.Sequencer.Height} entries ready after {clock.Elapsed.TotalSeconds:0.0} s, the first {stuck.ResponseStream.Current.CalculateSize()} bytes");
        string second = "";
        clock.Restart();
        var freed = Task.Run(async () =>
        {
            for (; clock.Elapsed < TimeSpan.FromSeconds(40); await Task.Delay(250))
            {
                using var call = ledger.StreamEntries(new StreamEntriesRequest { FromHeight = 0 }, Answers.OptionsWithHeader(auditor, stop.Token).WithDeadline(DateTime.UtcNow.AddSeconds(10)));
                second = await Answers.OfAsync(() => call.ResponseStream.MoveNext(stop.Token));
                if (second == Answers.Allowed) return true;
            }
            return false;
        });
        var honest = await HonestCallsWhileAsync(server, freed);

        output.WriteLine($"a stream of {server.Runtime.Sequencer.Height} entries never read: its place free again after {clock.Elapsed.TotalSeconds:0.0} s ({second}); honest client meanwhile: {honest}");
        Assert.True(await freed, "a stream nobody reads still holds its address's place after 40 s");
        Assert.All(honest.Answers, a => Assert.Equal(Answers.Allowed, a));
    }

    [Fact]
    public async Task connections_from_one_address_beyond_its_cap_are_closed_while_another_address_is_served()
    {
        var server = await SlowServerAsync(new() { ["Munt:Limits:ConnectionsPerAddress"] = "20" });
        var sockets = new List<Socket>();
        int resetOnConnect = 0;
        try
        {
            for (int i = 0; i < 60; i++)
            {
                try
                {
                    sockets.Add(await FromAddress.SocketAsync(server.HttpUrl, Attacker));
                }
                catch (SocketException)
                {
                    resetOnConnect++; // closed so fast that the connect itself saw the reset
                }
            }
            var served = (await Task.WhenAll(sockets.Select(s => KeptAliveAsync(s)))).Concat(Enumerable.Repeat(false, resetOnConnect)).ToList();
            using var honest = FromAddress.Http(server.HttpUrl, Honest);
            using var answer = await honest.GetAsync("/v1/chain");

            output.WriteLine($"60 connections from one address: {served.Count(x => x)} served, {served.Count(x => !x)} closed at once; another address: HTTP {(int)answer.StatusCode}");
            Assert.InRange(served.Count(x => x), 1, 20);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

            // Closing some frees their places (once the server has seen them close).
            foreach (var (socket, _) in sockets.Zip(served).Where(p => p.Second).Take(5)) socket.Dispose();
            bool again = false;
            for (var until = DateTime.UtcNow.AddSeconds(20); !again && DateTime.UtcNow < until; await Task.Delay(200))
            {
                try
                {
                    var socket = await FromAddress.SocketAsync(server.HttpUrl, Attacker);
                    sockets.Add(socket);
                    again = await KeptAliveAsync(socket);
                }
                catch (SocketException)
                {
                    // not yet
                }
            }
            Assert.True(again, "a connection within the cap again was still refused after 20 s");
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }
    }

    private RunningServer? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null) await fixture.StopAsync(_server);
    }

    /// <summary>A server of its own with short timeouts, so a slow attack is cut off in seconds.</summary>
    private async Task<RunningServer> SlowServerAsync(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Munt:Limits:RequestHeadersTimeoutSeconds"] = "3",
            ["Munt:Limits:StreamWriteTimeoutSeconds"] = "3",
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        _server = await fixture.StartServerAsync("slow", settings);
        return _server;
    }

    /// <summary>Sends <paramref name="first"/>, then one byte every 200 ms until the server closes; the bytes sent.</summary>
    private static async Task<int> TrickleAsync(Socket socket, byte[] first, Task closed)
    {
        int sent = 0;
        try
        {
            if (first.Length > 0) sent += await socket.SendAsync(first);
            while (!closed.IsCompleted)
            {
                sent += await socket.SendAsync("a"u8.ToArray());
                await Task.WhenAny(closed, Task.Delay(200));
            }
        }
        catch (SocketException)
        {
            // the server closed it
        }
        return sent;
    }

    /// <summary>Sends a whole request for the chain info and reads the answer's status line; false if the server closed the connection instead.</summary>
    private static async Task<bool> KeptAliveAsync(Socket socket)
    {
        try
        {
            await socket.SendAsync("GET /healthz HTTP/1.1\r\nHost: munt\r\n\r\n"u8.ToArray());
            byte[] buffer = new byte[1024];
            using var until = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, until.Token);
            return read > 0 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<string> AnsweredAsync(HttpClient http, HttpRequestMessage request)
    {
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await response.Content.ReadAsByteArrayAsync();
            var status = response.TrailingHeaders.TryGetValues("grpc-status", out var s) ? s.First()
                : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : "none";
            return $"HTTP {(int)response.StatusCode}, grpc-status {status}";
        }
        catch (HttpRequestException e)
        {
            return "the stream was reset (" + e.InnerException?.Message + ")";
        }
    }

    /// <summary>An honest client on another address: one chain-info call every 100 ms until <paramref name="until"/> ends.</summary>
    private static async Task<HonestRun> HonestCallsWhileAsync(RunningServer server, Task until)
    {
        using var channel = FromAddress.Channel(server.GrpcUrl, Honest);
        var ledger = new Contracts.V1.Ledger.LedgerClient(channel);
        var answers = new List<string>();
        var took = new List<double>();
        var limit = Stopwatch.StartNew();
        while (!until.IsCompleted && limit.Elapsed < TimeSpan.FromSeconds(45))
        {
            var one = Stopwatch.StartNew();
            answers.Add(await Answers.OfAsync(() => ledger.GetChainInfoAsync(new GetChainInfoRequest(), Answers.Options(null)).ResponseAsync));
            took.Add(one.Elapsed.TotalMilliseconds);
            await Task.WhenAny(until, Task.Delay(100));
        }
        return new HonestRun(answers, took);
    }

    private static async Task<string> SessionOfAsync(RunningServer server, string name)
    {
        using var client = ServerFixture.ClientOf(server);
        return (await client.As(ServerFixture.Demo(server, name)).SessionAsync()).ToText();
    }

    /// <summary>Grows the chain to at least <paramref name="entries"/> entries (new accounts, 100 at a time).</summary>
    private static async Task EntriesAsync(RunningServer server, int entries)
    {
        using var client = ServerFixture.ClientOf(server);
        while (server.Runtime.Sequencer.Height < entries)
            await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => client.As(Wallet.Create()).OpenAccountAsync()));
    }

    /// <summary>What an honest client saw: its answers and how long each took (ms).</summary>
    private sealed record HonestRun(List<string> Answers, List<double> TookMs)
    {
        public override string ToString()
        {
            if (TookMs.Count == 0) return "no calls";
            var sorted = TookMs.Order().ToList();
            return $"{Answers.Count(a => a == Support.Answers.Allowed)} of {Answers.Count} served, p50 {sorted[sorted.Count / 2]:0.0} ms, max {sorted[^1]:0.0} ms";
        }
    }

    /// <summary>A gRPC request body whose 5-byte prefix promises <paramref name="length"/> bytes that then come one every 200 ms.</summary>
    private sealed class TrickledGrpcMessage : HttpContent
    {
        private readonly int _length;

        public TrickledGrpcMessage(int length)
        {
            _length = length;
            Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            int length = _length;
            byte[] prefix = new byte[5];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(1), length);
            await stream.WriteAsync(prefix);
            await stream.FlushAsync();
            for (int i = 0; i < length; i++)
            {
                await stream.WriteAsync(new byte[] { 0x0A });
                await stream.FlushAsync();
                await Task.Delay(200);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
