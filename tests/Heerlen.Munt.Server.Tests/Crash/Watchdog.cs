using System.Diagnostics;
using System.Globalization;

namespace Heerlen.Munt.Server.Tests.Crash;

/// <summary>
/// A shell loop beside the harness: should this test process die (a killed or crashed test run), it SIGKILLs the server
/// last started, stops the throwaway PostgreSQL at once (SIGQUIT to its postmaster: an immediate shutdown) and deletes
/// the directory within about a second, so no server, cluster or data is left behind. Disposing ends the loop.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    private readonly Process _loop;

    private Watchdog(Process loop) => _loop = loop;

    /// <summary>Starts watching this process on behalf of the server's data directory, the cluster's data directory and the run's directory.</summary>
    public static Watchdog Start(string serverData, string clusterData, string runDirectory)
    {
        string serverPid = Path.Combine(serverData, ServerProcess.PidFile);
        string postmasterPid = Path.Combine(clusterData, "postmaster.pid");
        string script = string.Create(CultureInfo.InvariantCulture, $"""
            while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done
            pid=$(cat '{serverPid}' 2>/dev/null)
            [ -n "$pid" ] && grep -q Heerlen.Munt.Server.dll /proc/$pid/cmdline 2>/dev/null && kill -9 "$pid"
            pid=$(head -n 1 '{postmasterPid}' 2>/dev/null)
            [ -n "$pid" ] && grep -q postgres /proc/$pid/cmdline 2>/dev/null && kill -QUIT "$pid" && sleep 2
            rm -rf '{runDirectory}'
            """);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return new Watchdog(Process.Start(start) ?? throw new InvalidOperationException("could not start the crash harness's watchdog"));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_loop.HasExited) _loop.Kill();
        _loop.WaitForExit();
        _loop.Dispose();
    }
}
