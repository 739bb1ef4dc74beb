using System.Diagnostics;
using System.Globalization;
using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Commands;

// Submits COUNT signed OpenAccount commands (each a new resident, so each is a real entry committed to PostgreSQL) with
// IN_FLIGHT at once to a running server over gRPC, and prints commands per second and latency percentiles.
// Signing is done before the clock starts. Loopback only: this is a measuring tool, not a load on someone's server.
// Usage: dotnet run -c Release --project benchmarks/Heerlen.Munt.ApiProbe -- [COUNT [IN_FLIGHT [URL]]]
// The server's per-address limits must be raised for it (docs/performance.md says how).
int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
int inFlight = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
var url = new Uri(args.Length > 2 ? args[2] : "http://127.0.0.1:5081");
if (!url.IsLoopback)
{
    Console.Error.WriteLine($"{url} is not a loopback address: the probe only measures a server on this machine.");
    return 2;
}
if (count < 1 || inFlight < 1)
{
    Console.Error.WriteLine("COUNT and IN_FLIGHT must be at least 1.");
    return 2;
}

using var client = new MuntClient(url.ToString(), new MuntClientOptions { SubmitAttempts = 1 });
var info = await client.ChainInfoAsync();
var commands = Enumerable.Range(0, count).Select(_ =>
{
    var wallet = Wallet.Create();
    return SignedCommand.Create(new OpenAccount { Header = new(info.ChainId, CommandId.New(), wallet.Account, client.ServerNowMs + 600_000) }, wallet.Key);
}).ToArray();

var latencies = new double[count];
int next = -1, failed = 0;
var clock = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < count)
    {
        var one = Stopwatch.StartNew();
        try
        {
            await client.SubmitAsync(commands[i]);
        }
        catch (MuntException e)
        {
            if (Interlocked.Increment(ref failed) == 1) Console.Error.WriteLine($"first failure: {e.Message}");
        }
        latencies[i] = one.Elapsed.TotalMilliseconds;
    }
}));
var took = clock.Elapsed;
Array.Sort(latencies);
double P(int percent) => latencies[Math.Min(count - 1, count * percent / 100)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{count} commands, {inFlight} in flight: {count / took.TotalSeconds:0} commands/s; latency p50 {P(50):0.0} ms, p95 {P(95):0.0} ms, p99 {P(99):0.0} ms; {failed} failed"));
return failed == 0 ? 0 : 1;
