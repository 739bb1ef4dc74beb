using System.Net;
using System.Net.Sockets;
using Heerlen.Munt.Client;
using Heerlen.Munt.Server;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Storage.Postgres;
using Heerlen.Munt.Storage.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Heerlen.Munt.Server.Tests.Support;

/// <summary>The test classes that share one throwaway PostgreSQL cluster and one running demo server.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "server";
}

/// <summary>
/// A real PostgreSQL cluster (initdb + pg_ctl, in a temporary directory) and a real server on loopback ports with the
/// demo community, started in-process exactly as Program starts it. Tests that need other settings start a server
/// of their own on a fresh database of the same cluster with <see cref="StartServerAsync"/>.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly TestClusterDirectory _directory = new();
    private readonly List<RunningServer> _servers = [];
    private EmbeddedPostgres? _cluster;
    private int _databases;

    /// <summary>The PostgreSQL cluster every server of the collection uses (outage tests stop and restart it).</summary>
    public EmbeddedPostgres Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    /// <summary>The shared demo server.</summary>
    public RunningServer Server { get; private set; } = null!;

    /// <summary>The demo's keys.</summary>
    public DemoKeyFile Keys => Server.DemoKeys!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _cluster = await EmbeddedPostgres.StartAsync(_directory.Path);
        Server = await StartServerAsync("shared");
    }

    /// <summary>Starts a demo server on a fresh database; settings may be overridden (keys as in appsettings.json, e.g. <c>Munt:Limits:PerKeyBurst</c>).</summary>
    public async Task<RunningServer> StartServerAsync(string hint, IDictionary<string, string?>? settings = null)
    {
        string database = $"server_{hint}_{Interlocked.Increment(ref _databases)}".ToLowerInvariant();
        await _cluster!.CreateDatabaseAsync(database);
        string data = Path.Combine(_directory.Path, "data-" + database);
        Directory.CreateDirectory(data);
        var values = new Dictionary<string, string?>
        {
            ["Munt:DataDirectory"] = data,
            ["Munt:ConnectionString"] = _cluster.ConnectionString(database),
            ["Munt:Demo"] = "true",
            ["Munt:BlockIntervalMs"] = "100",
            ["Munt:Limits:PerAddressPerSecond"] = "100000",
            ["Munt:Limits:PerAddressBurst"] = "100000",
            ["Munt:Limits:SubmitsPerAddressPerSecond"] = "100000",
            ["Munt:Limits:SubmitsPerAddressBurst"] = "100000",
            ["Munt:Limits:PerKeyPerSecond"] = "1000",
            ["Munt:Limits:PerKeyBurst"] = "1000",
            // Every test client connects from 127.0.0.1, and some are left to the idle timeout: no connection cap here
            // (Edge/SlowClientTests sets its own).
            ["Munt:Limits:ConnectionsPerAddress"] = "100000",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{FreePort()}",
            ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{FreePort()}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var server = await ServerApp.StartAsync([], builder => builder.Configuration.AddInMemoryCollection(values));
        lock (_servers) _servers.Add(server);
        return server;
    }

    /// <summary>A client of the shared server.</summary>
    public MuntClient Client(string language = "en") => ClientOf(Server, language);

    /// <summary>A client of a server.</summary>
    public static MuntClient ClientOf(RunningServer server, string language = "en") => new(server.GrpcUrl, new MuntClientOptions { Language = language });

    /// <summary>A demo wallet by name (issuer, officer-anouk, officer-bas, cbs, bakkerij-bollen, fietsenmaker-fons, boekhandel-blad, sanne, …).</summary>
    public Wallet Demo(string name) => Wallet.Restore(Keys[name].Phrase);

    /// <summary>A demo wallet of another server started by <see cref="StartServerAsync"/> (each has its own demo keys).</summary>
    public static Wallet Demo(RunningServer server, string name) => Wallet.Restore(server.DemoKeys![name].Phrase);

    /// <summary>Stops a server started by <see cref="StartServerAsync"/> (e.g. to restart on the same database).</summary>
    public async Task StopAsync(RunningServer server)
    {
        lock (_servers) _servers.Remove(server);
        await server.DisposeAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var server in _servers.ToArray()) await server.DisposeAsync();
        if (_cluster is not null) await _cluster.StopAsync(immediate: true);
        _directory.Dispose();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
