using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Heerlen.Munt.Server.Tests.Crash;

/// <summary>Where and how the real server runs: its data directory, database and loopback ports (the same on every restart).</summary>
/// <param name="DataDirectory">Operator key and demo keys.</param>
/// <param name="ConnectionString">The throwaway cluster's database.</param>
/// <param name="GrpcPort">HTTP/2 port on 127.0.0.1.</param>
/// <param name="HttpPort">HTTP/1.1 port on 127.0.0.1.</param>
internal sealed record ServerPlace(string DataDirectory, string ConnectionString, int GrpcPort, int HttpPort)
{
    /// <summary>The gRPC address clients use.</summary>
    public string GrpcUrl => $"http://127.0.0.1:{GrpcPort}";

    /// <summary>Two free loopback ports, chosen once so that clients find the restarted server where the old one was.</summary>
    public static ServerPlace Choose(string dataDirectory, string connectionString) => new(dataDirectory, connectionString, FreePort(), FreePort());

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

/// <summary>
/// The real server (the built Heerlen.Munt.Server.dll) as a separate OS process, started with <c>dotnet</c> and settings
/// in its environment, so that it can be killed with SIGKILL like a crash. Its pid is written next to its data, so a
/// later run kills a server that a killed test run left behind.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>The file next to the server's data that holds the pid of the server last started.</summary>
    public const string PidFile = "munt-server.pid";
    private const string RunningLine = "Heerlen Munt is running";
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly Queue<string> _lastLines = new();
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Take(e.Data);
        process.ErrorDataReceived += (_, e) => Take(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True once it exited (or was killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the server; it creates the demo community on an empty chain and verifies the stored chain on every start.</summary>
    public static ServerProcess Start(ServerPlace place)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = place.DataDirectory,
        };
        start.ArgumentList.Add(ServerDll());
        start.Environment.Remove("HEERLEN_MUNT_DATA");
        start.Environment.Remove("HEERLEN_MUNT_DB");
        foreach (var (key, value) in Settings(place)) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server process");
        File.WriteAllText(Path.Combine(place.DataDirectory, PidFile), process.Id.ToString(CultureInfo.InvariantCulture));
        return new ServerProcess(process);
    }

    /// <summary>Waits for the line the server prints once it listens; fails with the server's last lines if it exits or takes too long.</summary>
    public async Task WaitUntilRunningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_running.Task, exited, Task.Delay(timeout));
        if (first == _running.Task) return;
        string what = first == exited ? $"exited with code {_process.ExitCode} before it was running" : $"was not running after {timeout.TotalSeconds:0} s";
        throw new Xunit.Sdk.XunitException($"the server {what}\n{Tail()}");
    }

    /// <summary>SIGKILL (Process.Kill on Linux): no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>The last lines it wrote, for failure messages.</summary>
    public string Tail()
    {
        lock (_gate) return "last lines of the server:\n" + string.Join('\n', _lastLines);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>
    /// Kills servers that test runs which died themselves left running (their directory's owner.pid names a dead
    /// process). Call before <c>TestClusterDirectory</c> deletes those directories.
    /// </summary>
    public static void KillLeftoversOfDeadRuns()
    {
        foreach (string directory in Directory.GetDirectories(Path.GetTempPath(), "hm-test-pg-*"))
        {
            foreach (string file in Directory.EnumerateFiles(directory, PidFile, SearchOption.AllDirectories))
            {
                if (OwnerAlive(directory) || !int.TryParse(File.ReadAllText(file), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                try
                {
                    // Only a server: the pid may have been reused by anything since.
                    if (File.ReadAllText($"/proc/{pid}/cmdline").Contains("Heerlen.Munt.Server.dll", StringComparison.Ordinal))
                        Process.GetProcessById(pid).Kill();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
                {
                    // Gone already.
                }
            }
        }
    }

    private static bool OwnerAlive(string directory)
    {
        string owner = Path.Combine(directory, "owner.pid");
        return !File.Exists(owner)
            || !int.TryParse(File.ReadAllText(owner), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            || Directory.Exists($"/proc/{pid}");
    }

    private static Dictionary<string, string> Settings(ServerPlace place) => new()
    {
        ["Munt__DataDirectory"] = place.DataDirectory,
        ["Munt__ConnectionString"] = place.ConnectionString,
        ["Munt__Demo"] = "true",
        ["Munt__BlockIntervalMs"] = "200",
        // Loopback load from one address: the limits would otherwise throttle the harness, not protect anyone.
        ["Munt__Limits__PerAddressPerSecond"] = "1000000",
        ["Munt__Limits__PerAddressBurst"] = "1000000",
        ["Munt__Limits__SubmitsPerAddressPerSecond"] = "1000000",
        ["Munt__Limits__SubmitsPerAddressBurst"] = "1000000",
        ["Munt__Limits__PerKeyPerSecond"] = "1000000",
        ["Munt__Limits__PerKeyBurst"] = "1000000",
        ["Kestrel__Endpoints__Grpc__Url"] = place.GrpcUrl,
        ["Kestrel__Endpoints__Grpc__Protocols"] = "Http2",
        ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{place.HttpPort}",
        ["Kestrel__Endpoints__Http__Protocols"] = "Http1",
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__LogLevel__Default"] = "Warning",
        ["DOTNET_gcServer"] = "0",
    };

    private void Take(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40) _lastLines.Dequeue();
        }
        if (line.StartsWith(RunningLine, StringComparison.Ordinal)) _running.TrySetResult();
    }

    private static string ServerDll()
    {
        string? path = typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ServerPath")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            throw new InvalidOperationException($"the server was not built (looked for '{path}'); the test project builds it through its ProjectReference");
        return path;
    }
}
