using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Storage;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.Postgres;
using Heerlen.Munt.Storage.Projections;
using Marten;

// Usage: dotnet run -c Release --project benchmarks/Heerlen.Munt.Probe [-- PAYMENTS] [--batch-1000 [--rounds N]]
// Runs a private PostgreSQL cluster in a temporary directory and, in ONE run (compare the ratios, not the absolute
// numbers across runs: this is a shared 2-core VM), measures signed payments per second committed at batch sizes
// 1, 100 and 1000, the same with no read models at all, the async daemon's catch-up, and start-up verification.
int payments = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
// --batch-1000: only the batch size of the durable target (as built, pipelined and not, and plain Marten), alternating
// `--rounds` times (default 3), for ratios that do not depend on the order of the runs.
bool only1000 = args.Contains("--batch-1000");
int rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(3);
string directory = Path.Combine(Path.GetTempPath(), "heerlen-munt-probe-" + Environment.ProcessId);
Directory.CreateDirectory(directory);
if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
var cluster = await EmbeddedPostgres.StartAsync(Path.Combine(directory, "postgres"));
var verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : (ISchnorrVerifier)ManagedSchnorrVerifier.Instance;
Console.WriteLine($"signatures: {verifier.Name}; cores: {Environment.ProcessorCount}; payments per run: {payments}");
try
{
    if (only1000)
    {
        await Batch1000Async(cluster, verifier, payments, rounds);
        return;
    }
    var runs = new (string Name, int BatchMax, Action<StoreOptions>? Configure)[]
    {
        ("as built", 1, null),
        ("as built", 100, null),
        ("as built", 1000, null),
        ("no read models", 1000, o => o.Projections.All.Clear()),
    };
    // The peer: the same events appended with plain Marten, one transaction per batch, in the same store setup, but
    // without signatures, sequencer or hash chain (what a team would build without this project). Same process, same run.
    var plainRuns = new (string Name, int BatchMax, Action<StoreOptions>? Configure)[]
    {
        ("plain Marten", 1, null),
        ("plain Marten", 100, null),
        ("plain Marten", 1000, null),
        ("plain, no r.m.", 1000, o => o.Projections.All.Clear()),
    };
    var measured = new Dictionary<(string, int), double>();
    for (int run = 0; run < runs.Length; run++)
    {
        var (name, batchMax, configure) = runs[run];
        string database = "probe_" + run;
        await cluster.CreateDatabaseAsync(database);
        using var documents = HeerlenStore.Create(cluster.ConnectionString(database), configure);
        int count = batchMax == 1 ? Math.Min(payments, 2_000) : payments;
        var (perSecond, store) = await PayAsync(documents, verifier, batchMax, count);
        Console.WriteLine($"{name,-15} batch {batchMax,5}: {count,6} signed payments committed at {perSecond,7:0} per second");
        measured[(name, batchMax)] = perSecond;
        if (name == "as built" && batchMax == 1000)
        {
            var clock = Stopwatch.StartNew();
            await ReadModelDaemon.CatchUpOnceAsync(documents, TimeSpan.FromMinutes(10));
            Console.WriteLine($"{"",-15} async daemon folded history and statistics for the whole chain in {clock.ElapsedMilliseconds} ms");
            clock.Restart();
            var loaded = await ChainLoader.LoadAsync(store, verifier);
            Console.WriteLine($"{"",-15} start-up: {loaded.StoredEntries} entries loaded and verified at {loaded.StoredEntries / clock.Elapsed.TotalSeconds:0} per second (intact: {loaded.Intact})");
        }
    }
    for (int run = 0; run < plainRuns.Length; run++)
    {
        var (name, batchMax, configure) = plainRuns[run];
        string database = "plain_" + run;
        await cluster.CreateDatabaseAsync(database);
        using var documents = HeerlenStore.Create(cluster.ConnectionString(database), configure);
        int count = batchMax == 1 ? Math.Min(payments, 2_000) : payments;
        double perSecond = await PlainAsync(documents, verifier, batchMax, count);
        Console.WriteLine($"{name,-15} batch {batchMax,5}: {count,6} payment events appended at {perSecond,7:0} per second");
        measured[(name, batchMax)] = perSecond;
    }
    foreach (var (chain, plain, batch) in new[] { ("as built", "plain Marten", 1), ("as built", "plain Marten", 100), ("as built", "plain Marten", 1000), ("no read models", "plain, no r.m.", 1000) })
        Console.WriteLine($"ratio {chain} / {plain}, batch {batch,5}: {measured[(chain, batch)] / measured[(plain, batch)]:P0}");
}
finally
{
    await cluster.StopAsync(immediate: true);
    Directory.Delete(directory, recursive: true);
}

static async Task Batch1000Async(EmbeddedPostgres cluster, ISchnorrVerifier verifier, int payments, int rounds)
{
    var ratios = new List<(double Pipelined, double Serial)>();
    for (int round = 0; round <= rounds; round++)
    {
        // Round 0 warms up (JIT, connection pools) on a tenth of the payments and is not counted.
        int count = round == 0 ? Math.Max(1_000, payments / 10) : payments;
        double Rate(string what, double perSecond)
        {
            Console.WriteLine($"round {round}{(round == 0 ? " (warm-up)" : "")}: {what,-26} {perSecond,7:0} payments per second");
            return perSecond;
        }
        async Task<DocumentStore> NewStoreAsync(string name)
        {
            await cluster.CreateDatabaseAsync($"{name}_{round}");
            return HeerlenStore.Create(cluster.ConnectionString($"{name}_{round}"));
        }
        double pipelined, serial, plain;
        using (var documents = await NewStoreAsync("pipelined")) pipelined = Rate("chain, pipelined", (await PayAsync(documents, verifier, 1000, count, pipelining: true)).PerSecond);
        using (var documents = await NewStoreAsync("plain")) plain = Rate("plain Marten", await PlainAsync(documents, verifier, 1000, count));
        using (var documents = await NewStoreAsync("serial")) serial = Rate("chain, not pipelined", (await PayAsync(documents, verifier, 1000, count)).PerSecond);
        if (round == 0) continue;
        ratios.Add((pipelined / plain, serial / plain));
        Console.WriteLine($"round {round}: ratio to plain Marten: pipelined {pipelined / plain:P0}, not pipelined {serial / plain:P0}");
    }
    double Median(IEnumerable<double> xs) => xs.Order().ElementAt(rounds / 2);
    Console.WriteLine($"median ratio to plain Marten at batch 1000: pipelined {Median(ratios.Select(r => r.Pipelined)):P0}, not pipelined {Median(ratios.Select(r => r.Serial)):P0} (target >= 80 %)");
}

static async Task<(double PerSecond, ChainStore Store)> PayAsync(DocumentStore documents, ISchnorrVerifier verifier, int batchMax, int count, bool pipelining = false)
{
    var script = new Script(count);
    var store = new ChainStore(documents, Script.Chain);
    await using var sequencer = await Sequencer.StartAsync(store, script.Operator, verifier, new SequencerOptions { BatchMax = batchMax, Blocks = new BlockPolicy(1000, 1000), Pipelining = pipelining });
    async Task AllAsync(IEnumerable<byte[]> envelopes)
    {
        foreach (var result in await Task.WhenAll(sequencer.SubmitMany(envelopes.ToList())))
            if (!result.Applied) throw new InvalidOperationException(Rejections.Code(result.Code));
    }

    foreach (var step in script.Setup) await AllAsync(step);
    using var timings = new SequencerTimings();
    var clock = Stopwatch.StartNew();
    var tasks = sequencer.SubmitMany(script.Payments);
    var verified = clock.Elapsed;
    foreach (var result in await Task.WhenAll(tasks))
        if (!result.Applied) throw new InvalidOperationException(Rejections.Code(result.Code));
    Console.WriteLine($"{"",-15} (the last signature checked and queued after {verified.TotalMilliseconds:0} ms of {clock.Elapsed.TotalMilliseconds:0} ms; {timings})");
    return (count / clock.Elapsed.TotalSeconds, store);
}

// The same payments as PayAsync, decided once in memory by the ledger engine; then their EntryRecorded events (the same
// bytes and facts the chain stores) appended with plain Marten, batchMax per transaction, timed; no checks at all.
static async Task<double> PlainAsync(DocumentStore documents, ISchnorrVerifier verifier, int batchMax, int count)
{
    var script = new Script(count);
    var engine = new LedgerEngine(Script.Chain, script.Operator, verifier, new BlockPolicy(1000, 1000), durable: true);
    long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    foreach (var envelope in script.Setup.SelectMany(step => step)) engine.Submit(envelope, now);
    var setup = engine.TakeRecorded().Entries;
    foreach (var envelope in script.Payments) engine.Submit(envelope, now);
    var events = engine.TakeRecorded().Entries.Select(e => (object)new EntryRecorded(e.Entry.Height, e.Entry.Hash.ToHex(), e.Entry.Encode(), e.Facts)).ToList();
    string stream = "plain:" + Script.Chain;
    await using (var session = documents.LightweightSession())
    {
        session.Events.Append(stream, setup.Select(e => (object)new EntryRecorded(e.Entry.Height, e.Entry.Hash.ToHex(), e.Entry.Encode(), e.Facts)).ToArray());
        await session.SaveChangesAsync();
    }
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < events.Count; i += batchMax)
    {
        await using var session = documents.LightweightSession();
        session.Events.Append(stream, events.Skip(i).Take(batchMax).ToArray());
        await session.SaveChangesAsync();
    }
    return events.Count / clock.Elapsed.TotalSeconds;
}

/// <summary>A community of 200 residents who each earned HM 100, and <c>count</c> signed 1-cent payments to one shop.</summary>
sealed class Script
{
    public const string Chain = "heerlen-munt/probe";

    public Script(int count)
    {
        SigningKey issuer = SigningKey.Generate(), anna = SigningKey.Generate(), bram = SigningKey.Generate(), shop = SigningKey.Generate();
        long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        CommandHeader H(SigningKey key) => new(Chain, CommandId.New(), key.PublicKey, Now() + 3_600_000);
        byte[] Sign(Command command, SigningKey key) => SignedCommand.Create(command, key).Envelope;
        var residents = Enumerable.Range(0, 200).Select(_ => SigningKey.Generate()).ToList();
        var job = JobId.New();
        Setup =
        [
            [Sign(new EstablishChain(Operator.PublicKey, Amount.FromEuros(1_000_000)) { Header = H(issuer) }, issuer)],
            [.. new[] { anna, bram, shop }.Select(k => Sign(new OpenAccount { Header = H(k) }, k))],
            [Sign(new GrantRole(anna.PublicKey, Roles.Officer) { Header = H(issuer) }, issuer), Sign(new GrantRole(bram.PublicKey, Roles.Officer) { Header = H(issuer) }, issuer)],
            [Sign(new AdmitMerchant(shop.PublicKey, "centrum") { Header = H(anna) }, anna), Sign(new MintBudget("probe", Amount.FromEuros(100_000)) { Header = H(anna) }, anna)],
            [Sign(new PublishJob(job, "probe", "probe", "gms", Amount.FromEuros(100), (ushort)residents.Count, Now() + 86_400_000) { Header = H(anna) }, anna)],
            [.. residents.Select(r => Sign(new OpenAccount { Header = H(r) }, r))],
            [.. residents.Select(r => Sign(new Enrol(job) { Header = H(r) }, r))],
            [.. residents.Select(r => Sign(new SubmitCompletion(job, Hash32.Sha256([1])) { Header = H(r) }, r))],
            [.. residents.Select(r => Sign(new ApproveCompletion(job, r.PublicKey) { Header = H(bram) }, bram))],
        ];
        Payments = [.. Enumerable.Range(0, count).Select(i => Sign(new Pay(shop.PublicKey, new Amount(1), null) { Header = H(residents[i % residents.Count]) }, residents[i % residents.Count]))];
    }

    public SigningKey Operator { get; } = SigningKey.Generate();

    /// <summary>Steps in order; the commands within a step may be sequenced in any order.</summary>
    public List<List<byte[]>> Setup { get; }

    public List<byte[]> Payments { get; }
}

/// <summary>Sums the sequencer's own meter (<see cref="Sequencer.MeterName"/>) over one timed run: where a batch's time goes.</summary>
sealed class SequencerTimings : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, (double Sum, long Count)> _sums = [];

    public SequencerTimings()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Sequencer.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.Start();
    }

    private void Add(string name, double value)
    {
        lock (_sums)
        {
            var (sum, count) = _sums.GetValueOrDefault(name);
            _sums[name] = (sum + value, count + 1);
        }
    }

    private double Total(string name) => _sums.GetValueOrDefault("heerlen_munt.sequencer." + name).Sum;

    private double Mean(string name) => _sums.GetValueOrDefault("heerlen_munt.sequencer." + name) is { Count: > 0 } x ? x.Sum / x.Count : 0;

    public override string ToString()
    {
        lock (_sums)
            return $"{_sums.GetValueOrDefault("heerlen_munt.sequencer.batch_size").Count} batches of {Mean("batch_size"):0} on average; deciding {Total("decide_duration"):0} ms, storing {Total("store_duration"):0} ms in all";
    }

    public void Dispose() => _listener.Dispose();
}
