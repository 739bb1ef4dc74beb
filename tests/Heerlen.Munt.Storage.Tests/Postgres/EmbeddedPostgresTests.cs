using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using Heerlen.Munt.Storage.Postgres;
using Heerlen.Munt.Storage.Tests.Support;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Heerlen.Munt.Storage.Tests.Postgres;

/// <summary>
/// The embedded cluster's life: first start, reuse, crashes and odd directories. Each test makes its own cluster
/// in its own temporary directory (about a second for initdb), so keep their number modest.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class EmbeddedPostgresTests(ITestOutputHelper output)
{
    [Fact]
    public async Task a_new_cluster_starts_and_answers_a_query_over_its_unix_socket()
    {
        using var directory = new TestClusterDirectory();
        await using EmbeddedPostgres cluster = await EmbeddedPostgres.StartAsync(directory.Path, Log);

        Assert.True(cluster.IsRunning);
        Assert.Equal(Path.Combine(directory.Path, "socket"), cluster.SocketDirectory);
        Assert.True(File.Exists(Path.Combine(cluster.SocketDirectory, $".s.PGSQL.{EmbeddedPostgres.Port}")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cluster.SocketDirectory));
        Assert.StartsWith("PostgreSQL ", (string?)await ScalarAsync(cluster, "SELECT version()"));
        Assert.Equal("UTF8", await ScalarAsync(cluster, "SHOW server_encoding"));
        // A connection over a Unix socket has no server address.
        Assert.Equal(DBNull.Value, await ScalarAsync(cluster, "SELECT inet_server_addr()"));
    }

    [Fact]
    public async Task a_second_start_reuses_the_cluster_and_keeps_its_data()
    {
        using var directory = new TestClusterDirectory();
        await using (EmbeddedPostgres first = await EmbeddedPostgres.StartAsync(directory.Path, Log))
        {
            await ExecuteAsync(first, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2)");
            await first.StopAsync();
            Assert.False(first.IsRunning);
        }

        await using EmbeddedPostgres second = await EmbeddedPostgres.StartAsync(directory.Path, Log);

        Assert.Equal(2L, await ScalarAsync(second, "SELECT count(*) FROM kept"));
    }

    [Fact]
    public async Task a_cluster_left_running_by_a_killed_process_is_reused()
    {
        using var directory = new TestClusterDirectory();
        await using EmbeddedPostgres first = await EmbeddedPostgres.StartAsync(directory.Path, Log);
        await ExecuteAsync(first, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
        object? startedAt = await ScalarAsync(first, "SELECT pg_postmaster_start_time()");

        // As if the owner had been killed: nobody stopped the server, and a new process opens the directory.
        await using EmbeddedPostgres second = await EmbeddedPostgres.StartAsync(directory.Path, Log);

        Assert.Equal(startedAt, await ScalarAsync(second, "SELECT pg_postmaster_start_time()"));
        Assert.Equal(1L, await ScalarAsync(second, "SELECT count(*) FROM kept"));
    }

    [Fact]
    public async Task a_cluster_whose_server_was_killed_starts_again_with_its_committed_rows()
    {
        using var directory = new TestClusterDirectory();
        await using EmbeddedPostgres first = await EmbeddedPostgres.StartAsync(directory.Path, Log);
        await ExecuteAsync(first, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2), (3)");
        string pidFile = Path.Combine(first.DataDirectory, "postmaster.pid");
        int postmaster = int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture);

        Process.GetProcessById(postmaster).Kill(); // SIGKILL: postmaster.pid stays behind, naming a dead process
        Assert.True(File.Exists(pidFile));

        await using EmbeddedPostgres second = await EmbeddedPostgres.StartAsync(directory.Path, Log);

        Assert.True(second.IsRunning);
        Assert.Equal(3L, await ScalarAsync(second, "SELECT count(*) FROM kept"));
    }

    [Fact]
    public async Task an_immediate_stop_then_restart_keeps_committed_rows()
    {
        using var directory = new TestClusterDirectory();
        await using EmbeddedPostgres cluster = await EmbeddedPostgres.StartAsync(directory.Path, Log);
        await ExecuteAsync(cluster, "CREATE TABLE kept (id int); INSERT INTO kept SELECT generate_series(1, 1000)");

        await cluster.StopAsync(immediate: true);
        Assert.False(cluster.IsRunning);
        await cluster.RestartAsync();

        Assert.True(cluster.IsRunning);
        Assert.Equal(1000L, await ScalarAsync(cluster, "SELECT count(*) FROM kept"));
        // The stop really was a crash: the server had to recover from the WAL.
        Assert.Contains("automatic recovery in progress", await File.ReadAllTextAsync(cluster.LogFile));
    }

    [Fact]
    public async Task a_server_that_cannot_start_is_reported_with_the_end_of_its_log()
    {
        using var directory = new TestClusterDirectory();
        await using EmbeddedPostgres cluster = await EmbeddedPostgres.StartAsync(directory.Path, Log);
        await cluster.StopAsync();
        await File.AppendAllTextAsync(Path.Combine(cluster.DataDirectory, "postgresql.conf"), "no_such_setting = 1\n");

        EmbeddedPostgresException e = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => cluster.RestartAsync());

        Assert.Contains("pg_ctl start failed", e.Message);
        Assert.Contains($"Last lines of {cluster.LogFile}", e.Message);
        Assert.Contains("unrecognized configuration parameter \"no_such_setting\"", e.Message);
        Assert.False(cluster.IsRunning);
    }

    [Fact]
    public async Task a_very_long_data_directory_still_gets_a_working_socket()
    {
        using var directory = new TestClusterDirectory();
        string deep = Path.Combine(directory.Path, new string('a', 60), new string('b', 60));
        EmbeddedPostgres cluster = await EmbeddedPostgres.StartAsync(deep, Log);
        try
        {
            Assert.True(Encoding.UTF8.GetByteCount(Path.Combine(deep, "socket", ".s.PGSQL.5432")) > 107);
            Assert.StartsWith("/tmp/hm-pg-", cluster.SocketDirectory);
            Assert.Equal(EmbeddedPostgres.SocketDirectoryFor(deep), cluster.SocketDirectory);
            Assert.Equal(1, await ScalarAsync(cluster, "SELECT 1"));
        }
        finally
        {
            await cluster.DisposeAsync();
            Directory.Delete(cluster.SocketDirectory, recursive: true);
        }
    }

    [Fact]
    public void missing_binaries_are_reported_with_the_package_to_install()
    {
        using var empty = new TestClusterDirectory();

        PostgresUnavailableException e = Assert.Throws<PostgresUnavailableException>(
            () => PostgresBinaries.Locate(name => name == PostgresBinaries.BinDirectoryVariable ? empty.Path : null));

        Assert.Contains("apt-get install -y postgresql", e.Message);
        Assert.Contains("PostgreSQL is not installed", e.Message);
        Assert.Contains("PostgreSQL is niet geïnstalleerd", e.Message);
        Assert.Contains(empty.Path, e.Message);
    }

    [Fact]
    public void the_installed_binaries_are_found_with_their_major_version()
    {
        PostgresBinaries binaries = PostgresBinaries.Locate(name => name == PostgresBinaries.BinDirectoryVariable ? null : Environment.GetEnvironmentVariable(name));

        Assert.True(File.Exists(binaries.InitDb));
        Assert.True(File.Exists(binaries.PgCtl));
        Assert.True(File.Exists(binaries.Postgres));
        Assert.InRange(binaries.Version, 13, 99);
    }

    [Fact]
    public async Task a_directory_the_postgres_user_cannot_reach_is_reported_clearly()
    {
        if (!PostgresCommand.IsRoot)
        {
            return; // only root hands the cluster to another user
        }

        using var directory = new TestClusterDirectory();
        string hidden = Path.Combine(directory.Path, "private");
        Directory.CreateDirectory(hidden);
        File.SetUnixFileMode(hidden, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        EmbeddedPostgresException e = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(Path.Combine(hidden, "cluster"), Log));

        Assert.Contains($"{hidden} is not traversable by other users", e.Message);
        Assert.Contains($"chmod o+x {hidden}", e.Message);
    }

    private void Log(string line) => output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");

    private static async Task ExecuteAsync(EmbeddedPostgres cluster, string sql)
    {
        await using NpgsqlConnection connection = await OpenAsync(cluster);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(EmbeddedPostgres cluster, string sql)
    {
        await using NpgsqlConnection connection = await OpenAsync(cluster);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    // Unpooled: these tests kill servers, and a pooled connection to a dead server would fail the next query.
    private static async Task<NpgsqlConnection> OpenAsync(EmbeddedPostgres cluster)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.ConnectionString()) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
