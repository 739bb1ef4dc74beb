using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Npgsql;

namespace Heerlen.Munt.Storage.Postgres;

/// <summary>
/// A private PostgreSQL cluster in one directory, reachable only over a Unix socket: it listens on no TCP port.
/// Layout: <c>data/</c> (the cluster, made by initdb), <c>socket/</c> (mode 0700) and <c>postgres.log</c>.
/// The directory belongs to the cluster; pass a directory of its own.
/// </summary>
/// <remarks>
/// <para>As root, the directories are given to the <c>postgres</c> user and initdb and pg_ctl run as that user,
/// because PostgreSQL refuses to run as root. As any other user, everything runs as that user.</para>
/// <para>Lifetime: <see cref="DisposeAsync"/> stops (fast) whatever server runs in the directory, including one
/// adopted from a killed process, because while this object lives it owns the directory. The server calls
/// <see cref="StopAsync"/> on exit. If a process dies without stopping, the next <see cref="StartAsync"/> on the
/// same directory adopts the running server, or starts it again if it died too.</para>
/// <para>Two live processes must not use one directory: only one may write the chain. This class does not lock
/// the directory; the chain writer must keep out a second writer itself (for example with an advisory lock).</para>
/// </remarks>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    /// <summary>The port. With no TCP it only names the socket file, <c>.s.PGSQL.5432</c>.</summary>
    public const int Port = 5432;

    /// <summary>The database superuser. The cluster trusts every connection: only its OS user (and root) can open
    /// the private socket directory.</summary>
    public const string Superuser = "postgres";

    // sun_path in struct sockaddr_un is 108 bytes including the closing NUL.
    private const int MaxSocketPathBytes = 107;
    private const string SettingsFileName = "heerlen-munt.conf";

    // Crash recovery after a kill replays the WAL before the server answers; give it time.
    private const int StartTimeoutSeconds = 300;
    private const int StopTimeoutSeconds = 120;

    private readonly Action<string> log;
    private readonly ConcurrentDictionary<string, byte> handedOut = new(StringComparer.Ordinal);

    private EmbeddedPostgres(PostgresBinaries binaries, string clusterDirectory, Action<string>? log)
    {
        Binaries = binaries;
        ClusterDirectory = clusterDirectory;
        DataDirectory = Path.Combine(clusterDirectory, "data");
        SocketDirectory = SocketDirectoryFor(clusterDirectory);
        LogFile = Path.Combine(clusterDirectory, "postgres.log");
        this.log = log ?? (_ => { });
    }

    /// <summary>The PostgreSQL programs in use.</summary>
    public PostgresBinaries Binaries { get; }

    /// <summary>The directory given to <see cref="StartAsync"/>, as a full path.</summary>
    public string ClusterDirectory { get; }

    /// <summary>The cluster's data directory (PGDATA).</summary>
    public string DataDirectory { get; }

    /// <summary>Where the socket lives: <c>socket/</c> in the cluster directory, or a short directory under /tmp
    /// named after a hash of the cluster directory when that path would be too long for a Unix socket.</summary>
    public string SocketDirectory { get; }

    /// <summary>The server's log (pg_ctl -l); error messages quote its last lines.</summary>
    public string LogFile { get; }

    /// <summary>
    /// Whether a server runs in the data directory: postmaster.pid names a live process called postgres.
    /// A process that has exited but is not yet reaped (a zombie) does not count.
    /// </summary>
    public bool IsRunning => PostmasterPid() is int pid && ProcessStatus(pid) is { Name: "postgres", State: not ('Z' or 'X') };

    private string PostmasterPidFile => Path.Combine(DataDirectory, "postmaster.pid");

    /// <summary>
    /// Opens the cluster in <paramref name="directory"/> (created if missing): runs initdb when there is no
    /// cluster yet, adopts a server that is already running there, else starts one.
    /// </summary>
    /// <param name="directory">The cluster directory; the postgres user must be able to reach it when we are root.</param>
    /// <param name="log">Receives one line per step, for the server log; null for silence.</param>
    /// <param name="ct">Cancels waiting for initdb or pg_ctl (the program is killed).</param>
    /// <exception cref="PostgresUnavailableException">PostgreSQL is not installed.</exception>
    /// <exception cref="EmbeddedPostgresException">The cluster could not be made or started; the message says why.</exception>
    public static async Task<EmbeddedPostgres> StartAsync(string directory, Action<string>? log = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var cluster = new EmbeddedPostgres(PostgresBinaries.Locate(), Path.GetFullPath(directory), log);
        await cluster.OpenAsync(ct);
        return cluster;
    }

    /// <summary>
    /// An Npgsql connection string for <paramref name="database"/> over the Unix socket (Npgsql reads a Host that
    /// starts with '/' as a socket directory).
    /// </summary>
    public string ConnectionString(string database = "postgres")
    {
        string connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = SocketDirectory,
            Port = Port,
            Username = Superuser,
            Database = database,
            ApplicationName = "heerlen-munt",
            Pooling = true,
            MinPoolSize = 0,
            // Every database gets its own pool; 20 each stays well under max_connections (200, see WriteSettings).
            MaxPoolSize = 20,
            ConnectionIdleLifetime = 60,
            Timeout = 15,
        }.ConnectionString;
        handedOut.TryAdd(connectionString, 0);
        return connectionString;
    }

    /// <summary>Creates database <paramref name="name"/> unless it exists.</summary>
    /// <param name="name">Lower-case letters, digits and '_', starting with a letter, at most 63 characters.</param>
    /// <param name="ct">Cancels the work.</param>
    /// <exception cref="ArgumentException">The name is not of that form.</exception>
    public async Task CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        if (name is null || !DatabaseNamePattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a database name: use [a-z][a-z0-9_]{{0,62}}.", nameof(name));
        }

        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = name });
        if (await exists.ExecuteScalarAsync(ct) is not null)
        {
            return;
        }

        try
        {
            // The name was validated above, so quoting it is enough; CREATE DATABASE takes no parameters.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Someone else made it between our check and our create: that is what we wanted.
        }
    }

    /// <summary>
    /// Stops the server if it runs: <c>pg_ctl stop -m fast</c> (sessions are ended, data is checkpointed), or
    /// <c>-m immediate</c> (no checkpoint, like a crash; the next start replays the WAL). Connection pools handed out
    /// by <see cref="ConnectionString"/> are cleared, so nobody later gets a dead connection from them.
    /// </summary>
    /// <exception cref="EmbeddedPostgresException">pg_ctl failed and the server still runs.</exception>
    public async Task StopAsync(bool immediate = false)
    {
        ClearPools();
        if (!IsRunning)
        {
            return;
        }

        log($"Stopping PostgreSQL in {DataDirectory} ({(immediate ? "immediate" : "fast")})");
        PostgresCommand.Result result = await RunPostgresProgramAsync(
            Binaries.PgCtl,
            ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", Seconds(StopTimeoutSeconds), "stop"],
            CancellationToken.None);
        if (!result.Succeeded && IsRunning)
        {
            throw Failure("pg_ctl stop", result);
        }
    }

    /// <summary>Starts the server again after a stop, with the same directory and socket; a running server is
    /// stopped (fast) first.</summary>
    /// <param name="ct">Cancels waiting for pg_ctl.</param>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await StopAsync();
        await OpenAsync(ct);
    }

    /// <summary>Stops the server (fast) if it runs; see the remarks on the class for why.</summary>
    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task OpenAsync(CancellationToken ct)
    {
        await PrepareDirectoriesAsync(ct);
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            CheckClusterVersion();
        }
        else
        {
            await InitDbAsync(ct);
        }

        await WriteSettingsAsync(ct);
        if (IsRunning)
        {
            log($"Adopting the PostgreSQL server already running in {DataDirectory} (pid {PostmasterPid()})");
            await WaitUntilAnsweringAsync(ct);
            return;
        }

        await StartServerAsync(ct);
    }

    private string AdminConnectionString() => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = Port,
        Username = Superuser,
        Database = "postgres",
        Pooling = false,
        Timeout = 5,
    }.ConnectionString;

    private void ClearPools()
    {
        foreach (string connectionString in handedOut.Keys)
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    // \z, not $: in .NET, $ also matches before a final newline.
    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,62}\z")]
    private static partial Regex DatabaseNamePattern();
}
