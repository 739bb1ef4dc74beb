using System.Diagnostics;
using System.Globalization;
using Heerlen.Munt.Client;
using Heerlen.Munt.Load;

// The end-to-end load generator (issue 6): many residents paying many shops with real signed Pay commands over gRPC,
// bounded by time and count, reporting throughput and latency percentiles. Loopback only. See LoadOptions.Usage.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = LoadOptions.Parse(args, out string? error);
if (options is null)
{
    if (!string.IsNullOrEmpty(error)) Console.Error.WriteLine(error);
    Console.Error.WriteLine(LoadOptions.Usage);
    return string.IsNullOrEmpty(error) ? 0 : 2;
}
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
try
{
    return await RunAsync(options, stop.Token);
}
catch (Exception e) when (e is LoadException or MuntException or OperationCanceledException)
{
    Console.Error.WriteLine(e is MuntException m ? $"the server said {m.Reason}: {m.Message}" : e.Message);
    return 2;
}

static async Task<int> RunAsync(LoadOptions o, CancellationToken ct)
{
    var officers = DemoOfficers.Read(o.DataDirectory);
    // Setting the scene may retry a busy server; a measured payment never does: a failure is counted, not hidden.
    using var setupClient = new MuntClient(o.Server.ToString(), new MuntClientOptions { Language = "en" });
    using var loadClient = new MuntClient(o.Server.ToString(), new MuntClientOptions { Language = "en", SubmitAttempts = 1, CallTimeout = TimeSpan.FromSeconds(30) });
    var info = await setupClient.ChainInfoAsync(ct: ct);
    await loadClient.ChainInfoAsync(ct: ct);
    Console.WriteLine($"server {o.Server}: chain {info.ChainId}, height {info.Height:N0}; {Environment.ProcessorCount} cores here, load average {LoadAverage()}");

    var (warmup, measured) = o.PaymentsToSign();
    var residents = Scene.NewWallets(o.Residents);
    var shops = Scene.NewWallets(o.Shops);
    var plan = Payments.Plan(warmup + measured, o.Residents, o.Shops, o.MaxPaymentCents, Environment.TickCount);
    long reward = Payments.MostSpentByOne(plan, o.Residents);

    Console.WriteLine($"setting the scene: {o.Shops:N0} shops opened and admitted, {o.Residents:N0} residents who each earn {reward:N0} cents for a job ...");
    var scene = await Scene.SetUpAsync(setupClient, officers, residents, shops, reward, ct);
    Console.WriteLine($"  {scene.Commands:N0} signed commands in {scene.Took.TotalSeconds:0.0} s ({scene.Commands / scene.Took.TotalSeconds:N0}/s; budget {scene.Budget}{(scene.Cosigned ? ", mint cosigned" : "")})");

    var signing = Stopwatch.StartNew();
    long lifetimeMs = (long)((o.WarmupSeconds + o.Seconds) * 1000) + 600_000;
    var payments = Payments.Sign(plan, residents, shops, info.ChainId, loadClient.ServerNowMs, lifetimeMs);
    Console.WriteLine($"signed {payments.Length:N0} payments ({warmup:N0} warm-up) in {signing.Elapsed.TotalSeconds:0.0} s, before the clock starts");

    string mode = o.OpenLoop ? $"open loop at {o.RatePerSecond:N0} payments/s" : $"closed loop with {o.InFlight} in flight";
    Console.WriteLine($"measuring: {mode}, {o.WarmupSeconds:0.#} s warm-up, then {o.Seconds:0.#} s{(o.Count > 0 ? $" or {o.Count:N0} payments" : "")} ...");
    string loadBefore = LoadAverage();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    var phase = o.OpenLoop
        ? await Runner.OpenLoopAsync(loadClient, payments, (int)warmup, o.RatePerSecond)
        : await Runner.ClosedLoopAsync(loadClient, payments, (int)warmup, o.InFlight, o.WarmupSeconds, o.Seconds);
    double cpuShare = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore) / wall.Elapsed;
    var report = LoadReport.Of(phase);
    Print(o, report, loadBefore, LoadAverage(), cpuShare);
    if (o.Smoke) Console.WriteLine(report.Failures.Count == 0 && report.Applied > 0 ? "smoke: ok" : "smoke: FAILED");
    if (report.Failures.ContainsKey("rate_limited"))
        Console.WriteLine("hint: raise the server's limits for load (Munt__Limits__SubmitsPerAddressPerSecond, …Burst, PerAddress…, PerKey…; benchmarks/README.md)");
    return report.Failures.Count == 0 && report.Applied > 0 && report.DuplicateHeights == 0 ? 0 : 1;
}

static void Print(LoadOptions o, LoadReport r, string loadBefore, string loadAfter, double cpuShare)
{
    string offered = o.OpenLoop ? $"{o.RatePerSecond:N0}/s" : $"closed loop, {o.InFlight} in flight";
    Console.WriteLine($"offered:   {offered}; {r.Started:N0} measured payments started{(o.OpenLoop ? $", schedule at most {r.ScheduleLagMaxMs:0.0} ms late" : "")}");
    Console.WriteLine($"achieved:  {r.AchievedPerSecond:N0} payments/s committed ({r.Applied:N0} applied in {r.Window.TotalSeconds:0.00} s)");
    Console.WriteLine($"failed:    {r.Started - r.Applied:N0} ({r.FailureText}){(r.DuplicateHeights > 0 ? $"; {r.DuplicateHeights} DUPLICATE HEIGHTS" : "")}");
    Console.WriteLine($"latency:   {LoadReport.Percentiles(r.Latency)}   (due → answer with its height)");
    Console.WriteLine($"service:   {LoadReport.Percentiles(r.Service)}   (sent → answer)");
    Console.WriteLine($"machine:   load average {loadBefore} before, {loadAfter} after; this client used {cpuShare:0.00} cores");
    double p99 = LoadReport.Percentile(r.Latency, 99);
    bool met = p99 < o.TargetP99Ms && r.Failures.Count == 0;
    string verdict = o.Smoke ? "not judged in a smoke run" : met ? "MET" : "MISSED";
    Console.WriteLine($"target:    p99 {p99:0.0} ms {(p99 < o.TargetP99Ms ? "<" : ">=")} {o.TargetP99Ms:0} ms at {offered}{(r.Failures.Count > 0 ? " with failures" : "")}: {verdict}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT mode={(o.OpenLoop ? "open" : "closed")} offered={(o.OpenLoop ? o.RatePerSecond : o.InFlight)} achieved={r.AchievedPerSecond:0} applied={r.Applied} failed={r.Started - r.Applied} p50={LoadReport.Percentile(r.Latency, 50):0.0} p95={LoadReport.Percentile(r.Latency, 95):0.0} p99={LoadReport.Percentile(r.Latency, 99):0.0} max={LoadReport.Percentile(r.Latency, 100):0.0} load={loadAfter.Replace(' ', '/')}"));
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "?";
    }
}
