using System.Globalization;
using System.Text;
using Npgsql;

namespace Heerlen.Munt.Storage.Postgres;

// Running initdb and pg_ctl, and reading the state a server leaves behind (postmaster.pid, /proc, the log).
public sealed partial class EmbeddedPostgres
{
    private async Task InitDbAsync(CancellationToken ct)
    {
        log($"Creating a PostgreSQL {Binaries.Version} cluster in {DataDirectory}");
        // Checksums let PostgreSQL notice a damaged page instead of serving it. C.UTF-8 sorts by code point, so
        // indexes do not change meaning when the C library is upgraded; --no-locale is the same order without
        // UTF-8 character classes, for systems that lack C.UTF-8. initdb removes what it made when it fails.
        string[] common = ["-D", DataDirectory, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--data-checksums"];
        PostgresCommand.Result result = await RunPostgresProgramAsync(Binaries.InitDb, [.. common, "--locale=C.UTF-8"], ct);
        if (!result.Succeeded)
        {
            log($"initdb --locale=C.UTF-8 failed, trying --no-locale: {result.Output}");
            result = await RunPostgresProgramAsync(Binaries.InitDb, [.. common, "--no-locale"], ct);
        }

        if (!result.Succeeded)
        {
            throw Failure("initdb", result);
        }
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        await WaitForKilledServerToBeReapedAsync(ct);
        log($"Starting PostgreSQL {Binaries.Version} in {DataDirectory} (socket {SocketDirectory})");
        string[] arguments = ["-D", DataDirectory, "-l", LogFile, "-w", "-t", Seconds(StartTimeoutSeconds), "start"];
        for (int attempt = 1; ; attempt++)
        {
            PostgresCommand.Result result = await RunPostgresProgramAsync(Binaries.PgCtl, arguments, ct);
            if (result.Succeeded)
            {
                return;
            }

            // The children of a server killed with SIGKILL notice its death and exit, but until they have gone
            // they hold its shared memory, and PostgreSQL refuses to start beside them.
            if (attempt == 10 || IsRunning || !LogTail(5).Contains("pre-existing shared memory block", StringComparison.Ordinal))
            {
                throw Failure("pg_ctl start", result);
            }

            log($"PostgreSQL did not start (attempt {attempt}): processes of a killed server still run; trying again");
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    // A server killed with SIGKILL stays a zombie until its parent (init, or a container's first process) reaps it;
    // until then PostgreSQL takes postmaster.pid for a live server's and refuses to start.
    private async Task WaitForKilledServerToBeReapedAsync(CancellationToken ct)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (PostmasterPid() is int pid && ProcessStatus(pid) is { State: 'Z' } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken ct)
    {
        DateTime started = DateTime.UtcNow;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString());
                await connection.OpenAsync(ct);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // A server adopted from a killed process may still be replaying the WAL ("the database system is
                // starting up"), which may take as long as a start may; any other failure gets 30 seconds.
                bool recovering = e is PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow };
                if (DateTime.UtcNow - started > TimeSpan.FromSeconds(recovering ? StartTimeoutSeconds : 30))
                {
                    throw new EmbeddedPostgresException(
                        $"A process (pid {PostmasterPid()}) runs for the cluster in {DataDirectory}, but no PostgreSQL server answers on {SocketDirectory}. "
                        + $"If it is not this cluster's server, stop it or remove {PostmasterPidFile}. Last lines of {LogFile}:\n{LogTail()}",
                        e);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }

    private Task<PostgresCommand.Result> RunPostgresProgramAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct) =>
        PostgresCommand.RunAsServiceUserAsync(program, arguments, ClusterDirectory, ct);

    private int? PostmasterPid()
    {
        try
        {
            string? first = File.ReadLines(PostmasterPidFile).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (string Name, char State)? ProcessStatus(int pid)
    {
        try
        {
            // "/proc/<pid>/stat" reads "<pid> (<name>) <state> ..."; state Z is a zombie (exited, not yet reaped).
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int open = stat.IndexOf('(', StringComparison.Ordinal);
            int close = stat.LastIndexOf(')');
            return open >= 0 && close + 2 < stat.Length ? (stat[(open + 1)..close], stat[close + 2]) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private EmbeddedPostgresException Failure(string what, PostgresCommand.Result result) => new(
        $"{what} failed (exit code {result.ExitCode}) for the cluster in {DataDirectory}.\n{result.Output}\n"
        + $"Last lines of {LogFile}:\n{LogTail()}");

    private string LogTail(int lines = 20)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(0, stream.Length - 16_384), SeekOrigin.Begin);
            string text = new StreamReader(stream, Encoding.UTF8).ReadToEnd();
            return string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "(no log yet)";
        }
    }

    private static string Seconds(int seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
