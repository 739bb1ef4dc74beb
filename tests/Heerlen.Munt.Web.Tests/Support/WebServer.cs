using System.Net;
using System.Net.Sockets;
using Heerlen.Munt.Client;
using Heerlen.Munt.Server;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Storage.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Heerlen.Munt.Web.Tests.Support;

/// <summary>The browser tests: one demo server and one Chromium, shared by every test class in the collection.</summary>
[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebServer>, ICollectionFixture<Browser>
{
    /// <summary>The collection's name: put <c>[Collection(WebCollection.Name)]</c> on a test class (or derive from <see cref="BrowserTest"/>).</summary>
    public const string Name = "web";
}

/// <summary>
/// One real server with the demo community, started in-process exactly as <c>scripts/run</c> starts it (<c>--demo</c>,
/// <c>--data DIR</c>): its own embedded PostgreSQL cluster in a throwaway data directory under /tmp, JSON and the web
/// apps on one free loopback port (HTTP/1.1), gRPC on another (HTTP/2). The rate limits are raised, as in .ci/run, so a
/// browser that loads many files and a test that sets up data through the SDK are never throttled.
/// </summary>
public sealed class WebServer : IAsyncLifetime
{
    private readonly TestClusterDirectory _directory = new();
    private RunningServer? _server;
    private MuntClient? _client;

    /// <summary>The HTTP/1.1 address of the JSON API and the web apps, without a trailing slash, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The gRPC (HTTP/2) address.</summary>
    public string GrpcUrl { get; private set; } = "";

    /// <summary>The data directory (the embedded cluster is in <c>postgres/</c> below it, the demo keys in <c>demo-keys.json</c>).</summary>
    public string DataDirectory => Path.Combine(_directory.Path, "data");

    /// <summary>The demo's people: <c>DemoKeyFile["sanne"].Phrase</c> (twelve words, to type into an app) and <c>.Secret</c> (hex).</summary>
    public DemoKeyFile DemoKeyFile => _server?.DemoKeys ?? throw new InvalidOperationException("the server has not started");

    /// <summary>The SDK on the gRPC port (English messages), for setting up data a test then looks at in a browser.</summary>
    public MuntClient Client => _client ?? throw new InvalidOperationException("the server has not started");

    /// <summary>A demo person's wallet, to sign with <see cref="Client"/> (issuer, officer-anouk, officer-bas, cbs, bakkerij-bollen, fietsenmaker-fons, boekhandel-blad, sanne, mohammed, els, joep, fatima).</summary>
    public Wallet Wallet(string name) => Heerlen.Munt.Client.Wallet.Restore(DemoKeyFile[name].Phrase);

    /// <summary>An absolute address on the server, e.g. <c>Url("/kassa/")</c>.</summary>
    public string Url(string path) => BaseUrl + (path.StartsWith('/') ? path : "/" + path);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // As root the embedded cluster runs as the postgres user, which must be able to enter the directory.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_directory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        Directory.CreateDirectory(DataDirectory);
        var values = new Dictionary<string, string?>
        {
            ["Munt:BlockIntervalMs"] = "100",
            // k = 2: Centrum's spending is shown on the auditor's chart only once two shops there were paid (the story pays the
            // bookshop; the demo paid the bakery); cells about one person stay withheld.
            ["Munt:Statistics:SuppressionThreshold"] = "2",
            ["Munt:Limits:PerAddressPerSecond"] = "1000000",
            ["Munt:Limits:PerAddressBurst"] = "1000000",
            ["Munt:Limits:SubmitsPerAddressPerSecond"] = "1000000",
            ["Munt:Limits:SubmitsPerAddressBurst"] = "1000000",
            ["Munt:Limits:PerKeyPerSecond"] = "1000000",
            ["Munt:Limits:PerKeyBurst"] = "1000000",
            // The browser and the test clients all connect from 127.0.0.1: no connection cap here.
            ["Munt:Limits:ConnectionsPerAddress"] = "100000",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{FreePort()}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{FreePort()}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
        };
        _server = await ServerApp.StartAsync(["--demo", "--data", DataDirectory], b => b.Configuration.AddInMemoryCollection(values));
        BaseUrl = _server.HttpUrl.TrimEnd('/');
        GrpcUrl = _server.GrpcUrl;
        _client = new MuntClient(GrpcUrl, new MuntClientOptions { Language = "en" });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null) await _server.DisposeAsync(); // stops the web server, then the chain and its PostgreSQL
        _directory.Dispose();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
