using System.Diagnostics;
using System.Globalization;
using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Load;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Storage.Postgres;
using Heerlen.Munt.Storage.Tests.Support;

namespace Heerlen.Munt.Server.Tests.Crash;

/// <summary>What one crash cycle does to the two processes.</summary>
internal enum Fault
{
    /// <summary>SIGKILL the server; start it again.</summary>
    ServerKilled,

    /// <summary><c>pg_ctl stop -m immediate</c> under the running server; start PostgreSQL again, the server carries on by itself.</summary>
    PostgresStopped,

    /// <summary>Stop PostgreSQL immediately under load, then SIGKILL the server while the database is down; start both.</summary>
    PostgresStoppedThenServerKilled,

    /// <summary>SIGKILL the server, then stop PostgreSQL immediately; start both.</summary>
    ServerKilledThenPostgresStopped,

    /// <summary>SIGKILL the server, start it, and SIGKILL it again while it loads and verifies the chain; start it once more.</summary>
    ServerKilledWhileStarting,
}

/// <summary>
/// Runs the real server (a separate process) on a throwaway PostgreSQL cluster (separate processes too) on loopback,
/// sets the scene and signs the payments with the load generator's code, and injects faults cycle by cycle while
/// <see cref="PaymentTraffic"/> keeps sending. Every random choice comes from the seed. Disposing kills the server,
/// stops PostgreSQL immediately and deletes the directory, whatever happened before.
/// </summary>
internal sealed class CrashHarness : IAsyncDisposable
{
    private const int Residents = 40;
    private const int Shops = 4;
    private const int Senders = 8;
    private const long MaxPaymentCents = 250;
    private const int PaymentsPerCycle = 1_000;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Random _random;
    private readonly Action<string> _log;
    private readonly TestClusterDirectory _directory;
    private readonly List<TimeSpan> _cycleTimes = [];
    private readonly List<TimeSpan> _startTimes = [];
    private readonly Dictionary<Fault, int> _faults = [];
    private EmbeddedPostgres? _cluster;
    private Watchdog? _watchdog;
    private ServerProcess? _server;
    private MuntClient? _setupClient;
    private MuntClient? _loadClient;
    private PaymentTraffic? _traffic;
    private ServerPlace _place = null!;
    private Wallet[] _residents = [];
    private Wallet[] _shops = [];
    private long _rewardCents;
    private int _serverKills;
    private int _postgresStops;

    private CrashHarness(int seed, Action<string> log, TestClusterDirectory directory)
    {
        _random = new Random(seed);
        _log = log;
        _directory = directory;
    }

    /// <summary>Starts PostgreSQL and the server, sets the scene, signs the payments and starts sending.</summary>
    public static async Task<CrashHarness> StartAsync(int seed, int cycles, Action<string> log)
    {
        ServerProcess.KillLeftoversOfDeadRuns();
        var harness = new CrashHarness(seed, log, new TestClusterDirectory());
        try
        {
            harness.Log($"seed {seed}, {cycles} cycle(s), in {harness._directory.Path}");
            await harness.SetUpAsync(seed, cycles);
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>A fault chosen by the seed.</summary>
    public Fault PickFault() => (Fault)_random.Next(Enum.GetValues<Fault>().Length);

    /// <summary>Lets the load run a random while, injects the fault, restarts what it stopped, and waits until payments are answered again.</summary>
    public async Task CycleAsync(Fault fault)
    {
        var cycle = Stopwatch.StartNew();
        await Task.Delay(_random.Next(300, 2001));
        switch (fault)
        {
            case Fault.ServerKilled:
                await KillServerAsync();
                await Task.Delay(_random.Next(0, 501));
                await StartServerAsync();
                break;
            case Fault.PostgresStopped:
                await StopPostgresAsync();
                await Task.Delay(_random.Next(200, 1501));
                await StartPostgresAsync();
                break;
            case Fault.PostgresStoppedThenServerKilled:
                await StopPostgresAsync();
                await Task.Delay(_random.Next(100, 1001));
                await KillServerAsync();
                await StartPostgresAsync();
                await StartServerAsync();
                break;
            case Fault.ServerKilledThenPostgresStopped:
                await KillServerAsync();
                await StopPostgresAsync();
                await Task.Delay(_random.Next(0, 501));
                await StartPostgresAsync();
                await StartServerAsync();
                break;
            case Fault.ServerKilledWhileStarting:
                await KillServerAsync();
                _server = ServerProcess.Start(_place);
                await Task.Delay(_random.Next(100, 2501));
                await KillServerAsync();
                await StartServerAsync();
                break;
        }
        if (!await Traffic.WaitForProgressAsync(20, RecoveryTimeout))
        {
            throw new Xunit.Sdk.XunitException(Traffic.Exhausted
                ? $"the harness ran out of signed payments in cycle {_cycleTimes.Count + 1} (raise PaymentsPerCycle)"
                : $"after {fault}, the server answered no payment for {RecoveryTimeout.TotalSeconds:0} s\n{_server?.Tail()}");
        }
        _faults[fault] = _faults.GetValueOrDefault(fault) + 1;
        _cycleTimes.Add(cycle.Elapsed);
        Log($"cycle {_cycleTimes.Count}: {fault} in {cycle.Elapsed.TotalSeconds:0.0} s; {Traffic.Acknowledged:N0} payments answered so far, {Traffic.Resends:N0} resends");
    }

    /// <summary>Stops the load, then checks the live chain against the harness's record (<see cref="CrashCheck"/>).</summary>
    public async Task<CrashFigures> CheckAsync()
    {
        Assert.True(await Traffic.StopAsync(RecoveryTimeout), "every payment sent must get its answer once the server runs again");
        var check = Stopwatch.StartNew();
        var keys = DemoKeyFile.Read(_place.DataDirectory) ?? throw new InvalidOperationException("the server wrote no demo keys");
        var result = await CrashCheck.RunAsync(SetupClient, _place, keys["cbs"], Traffic.Sent.ToList(), _residents, _shops, _rewardCents);
        var sent = Traffic.Sent.ToList();
        return new CrashFigures(
            _cycleTimes.Count, _serverKills, _postgresStops, string.Join(", ", _faults.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}")),
            sent.Count, sent.Count(s => s.Answer is not null), sent.Count(s => s.Attempts > 1), sent.Count(s => s.Attempts > 1 && s.Answer!.WasRetry), Traffic.Resends,
            string.Join(", ", Traffic.TransientFailures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value}")),
            result.Entries, result.Retried, result.Balances,
            _cycleTimes.Count == 0 ? 0 : _cycleTimes.Average(t => t.TotalSeconds), _cycleTimes.Count == 0 ? 0 : _cycleTimes.Max(t => t.TotalSeconds),
            _startTimes.Average(t => t.TotalSeconds), _startTimes.Max(t => t.TotalSeconds), check.Elapsed.TotalSeconds, _clock.Elapsed.TotalSeconds);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _watchdog?.Dispose();
        if (_traffic is not null) await _traffic.StopAsync(TimeSpan.Zero);
        if (_server is not null) await _server.DisposeAsync();
        _setupClient?.Dispose();
        _loadClient?.Dispose();
        if (_cluster is not null)
        {
            try
            {
                await _cluster.StopAsync(immediate: true);
            }
            catch (EmbeddedPostgresException e)
            {
                _log($"could not stop PostgreSQL in {_directory.Path}: {e.Message}");
            }
        }
        _directory.Dispose();
    }

    private PaymentTraffic Traffic => _traffic ?? throw new InvalidOperationException("not started");

    private MuntClient SetupClient => _setupClient ?? throw new InvalidOperationException("not started");

    private async Task SetUpAsync(int seed, int cycles)
    {
        _cluster = await EmbeddedPostgres.StartAsync(Path.Combine(_directory.Path, "cluster"));
        await _cluster.CreateDatabaseAsync("crash");
        string data = Path.Combine(_directory.Path, "server");
        Directory.CreateDirectory(data);
        _watchdog = Watchdog.Start(data, _cluster.DataDirectory, _directory.Path);
        _place = ServerPlace.Choose(data, _cluster.ConnectionString("crash"));
        await StartServerAsync();

        // The load generator's scene: shops admitted, residents who each earned enough for their share of the plan.
        _setupClient = new MuntClient(_place.GrpcUrl, new MuntClientOptions { Language = "en" });
        _loadClient = new MuntClient(_place.GrpcUrl, new MuntClientOptions { Language = "en", SubmitAttempts = 1, CallTimeout = TimeSpan.FromSeconds(10) });
        var officers = DemoOfficers.Read(data);
        _residents = Scene.NewWallets(Residents);
        _shops = Scene.NewWallets(Shops);
        var plan = Payments.Plan((long)PaymentsPerCycle * (cycles + 1), Residents, Shops, MaxPaymentCents, seed);
        _rewardCents = Payments.MostSpentByOne(plan, Residents);
        var scene = await Scene.SetUpAsync(_setupClient, officers, _residents, _shops, _rewardCents, CancellationToken.None);
        var info = await _loadClient.ChainInfoAsync();
        // Valid long enough for the whole run: a resend after many restarts must still be accepted the first time.
        var payments = Payments.Sign(plan, _residents, _shops, info.ChainId, _loadClient.ServerNowMs, lifetimeMs: 4 * 3_600_000L);
        Log($"scene set: {scene.Commands} commands in {scene.Took.TotalSeconds:0.0} s; {payments.Length:N0} payments signed; {Senders} senders");
        _traffic = new PaymentTraffic(_loadClient, payments);
        _traffic.Start(Senders);
    }

    private async Task StartServerAsync()
    {
        var started = Stopwatch.StartNew();
        _server = ServerProcess.Start(_place);
        await _server.WaitUntilRunningAsync(StartTimeout);
        _startTimes.Add(started.Elapsed);
        Log($"server {_server.Pid} running after {started.Elapsed.TotalSeconds:0.0} s");
    }

    private async Task KillServerAsync()
    {
        if (_server is null) return;
        bool running = !_server.HasExited;
        await _server.KillAsync();
        await _server.DisposeAsync();
        _server = null;
        if (running) _serverKills++;
        Log("server killed (SIGKILL)");
    }

    private async Task StopPostgresAsync()
    {
        await _cluster!.StopAsync(immediate: true);
        _postgresStops++;
        Log("PostgreSQL stopped (immediate)");
    }

    private async Task StartPostgresAsync()
    {
        await _cluster!.RestartAsync();
        Log("PostgreSQL running again");
    }

    private void Log(string line)
    {
        line = string.Create(CultureInfo.InvariantCulture, $"  {_clock.Elapsed.TotalSeconds,6:0.0} s  {line}");
        _log(line);
        // The test's output appears only at its end; a long run can be followed here (tail -f).
        if (Environment.GetEnvironmentVariable("HM_CRASH_LOG") is { Length: > 0 } file) File.AppendAllText(file, line + "\n");
    }
}

/// <summary>The measured figures of a run (docs/reliability.md quotes them).</summary>
internal sealed record CrashFigures(
    int Cycles, int ServerKills, int PostgresStops, string Faults, int PaymentsSent, int PaymentsAcknowledged, int PaymentsResent,
    int ResentAnsweredAsRetry, int Resends, string ResendReasons, long Entries, int RetriedAfterwards, int BalancesCompared,
    double CycleSecondsMean, double CycleSecondsMax, double ServerStartSecondsMean, double ServerStartSecondsMax, double CheckSeconds, double TotalSeconds)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"RESULT cycles={Cycles} server_kills={ServerKills} postgres_stops={PostgresStops} ({Faults}); payments sent={PaymentsSent} acknowledged={PaymentsAcknowledged} "
        + $"resent={PaymentsResent} (stored before their answer was lost: {ResentAnsweredAsRetry}) resends={Resends} ({ResendReasons}); entries={Entries} retried_afterwards={RetriedAfterwards} balances_compared={BalancesCompared}; "
        + $"cycle mean={CycleSecondsMean:0.0}s max={CycleSecondsMax:0.0}s; server start mean={ServerStartSecondsMean:0.0}s max={ServerStartSecondsMax:0.0}s; check={CheckSeconds:0.0}s total={TotalSeconds:0.0}s");
}
