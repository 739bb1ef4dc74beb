using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Heerlen.Munt.Storage.Postgres;

/// <summary>
/// Runs a program with its output captured. As root, PostgreSQL's programs are run as the <c>postgres</c> user,
/// because initdb, pg_ctl and postgres refuse to run as root.
/// </summary>
internal static class PostgresCommand
{
    /// <summary>The OS user that owns the cluster when we run as root (Debian's postgresql package makes it).</summary>
    internal const string ServiceUser = "postgres";

    private static readonly string[] RunuserPaths = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"];
    private static readonly string[] SuPaths = ["/usr/bin/su", "/bin/su"];

    /// <summary>True when this process runs as root.</summary>
    internal static bool IsRoot { get; } = Environment.UserName == "root" || geteuid() == 0;

    /// <summary>What a finished program left behind.</summary>
    internal sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        /// <summary>Exit code 0.</summary>
        public bool Succeeded => ExitCode == 0;

        /// <summary>Standard error and standard output together, for an error message.</summary>
        public string Output => $"{StandardError.Trim()}\n{StandardOutput.Trim()}".Trim();
    }

    /// <summary>Runs a PostgreSQL program: as <c>postgres</c> when we are root, else as ourselves.</summary>
    internal static Task<Result> RunAsServiceUserAsync(
        string program, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken ct)
    {
        if (!IsRoot)
        {
            return RunAsync(program, arguments, workingDirectory, ct);
        }

        string? runuser = RunuserPaths.FirstOrDefault(File.Exists);
        return runuser is not null
            ? RunAsync(runuser, ["-u", ServiceUser, "--", program, .. arguments], workingDirectory, ct)
            : RunAsync(SuPaths.FirstOrDefault(File.Exists) ?? "su", SuArguments(program, arguments), workingDirectory, ct);
    }

    /// <summary>
    /// Arguments for <c>su postgres -s /bin/sh -c '...'</c>, the fallback where runuser is missing. su only takes a
    /// shell command line, so every word is single-quoted.
    /// </summary>
    internal static IReadOnlyList<string> SuArguments(string program, IReadOnlyList<string> arguments) =>
        [ServiceUser, "-s", "/bin/sh", "-c", string.Join(' ', new[] { program }.Concat(arguments).Select(ShellQuote))];

    /// <summary>Quotes one word for /bin/sh: inside single quotes nothing is special but the quote itself.</summary>
    internal static string ShellQuote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Runs a program as ourselves and waits for it; on cancellation the program is killed.</summary>
    internal static async Task<Result> RunAsync(
        string program, IReadOnlyList<string> arguments, string? workingDirectory, CancellationToken ct)
    {
        using Process process = Start(program, arguments, workingDirectory);
        Task<string> output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Runs a quick program (such as <c>pg_ctl --version</c>) synchronously.</summary>
    internal static Result Run(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        using Process process = Start(program, arguments, workingDirectory: null);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return new Result(-1, "", $"{program} did not finish within {timeout.TotalSeconds} s");
        }

        return new Result(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static Process Start(string program, IReadOnlyList<string> arguments, string? workingDirectory)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // PGDATA, PGPORT, PGHOST, ... from the operator's shell must not steer our private cluster elsewhere.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        Process process = Process.Start(start) ?? throw new EmbeddedPostgresException($"Could not start {program}.");
        process.StandardInput.Close(); // nothing may wait for a terminal
        return process;
    }

    // DllImport, not LibraryImport: the generated stub would need AllowUnsafeBlocks for this one call.
    [DllImport("libc")]
    private static extern uint geteuid();
}
