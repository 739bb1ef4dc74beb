using System.Diagnostics;
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

// Usage: dotnet run -c Release --project benchmarks/Heerlen.Munt.Probe [-- PAYMENTS]
// Runs a private PostgreSQL cluster in a temporary directory and, in ONE run (compare the ratios, not the absolute
// numbers across runs: this is a shared 2-core VM), measures signed payments per second committed at batch sizes
// 1, 100 and 1000, the same with no read models at all, the async daemon's catch-up, and start-up verification.
int payments = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
string directory = Path.Combine(Path.GetTempPath(), "heerlen-munt-probe-" + Environment.ProcessId);
Directory.CreateDirectory(directory);
if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
var cluster = await EmbeddedPostgres.StartAsync(Path.Combine(directory, "postgres"));
var verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : (ISchnorrVerifier)ManagedSchnorrVerifier.Instance;
Console.WriteLine($"signatures: {verifier.Name}; cores: {Environment.ProcessorCount}; payments per run: {payments}");
try
{
    var runs = new (string Name, int BatchMax, Action<StoreOptions>? Configure)[]
    {
        ("as built", 1, null),
        ("as built", 100, null),
        ("as built", 1000, null),
        ("no read models", 1000, o => o.Projections.All.Clear()),
    };
    for (int run = 0; run < runs.Length; run++)
    {
        var (name, batchMax, configure) = runs[run];
        string database = "probe_" + run;
        await cluster.CreateDatabaseAsync(database);
        using var documents = HeerlenStore.Create(cluster.ConnectionString(database), configure);
        int count = batchMax == 1 ? Math.Min(payments, 2_000) : payments;
        var (perSecond, store) = await PayAsync(documents, verifier, batchMax, count);
        Console.WriteLine($"{name,-15} batch {batchMax,5}: {count,6} signed payments committed at {perSecond,7:0} per second");
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
}
finally
{
    await cluster.StopAsync(immediate: true);
    Directory.Delete(directory, recursive: true);
}

static async Task<(double PerSecond, ChainStore Store)> PayAsync(DocumentStore documents, ISchnorrVerifier verifier, int batchMax, int count)
{
    const string chain = "heerlen-munt/probe";
    var store = new ChainStore(documents, chain);
    SigningKey issuer = SigningKey.Generate(), operatorKey = SigningKey.Generate(), anna = SigningKey.Generate(), bram = SigningKey.Generate(), shop = SigningKey.Generate();
    await using var sequencer = await Sequencer.StartAsync(store, operatorKey, verifier, new SequencerOptions { BatchMax = batchMax, Blocks = new BlockPolicy(1000, 1000) });
    long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    CommandHeader H(SigningKey key) => new(chain, CommandId.New(), key.PublicKey, Now() + 3_600_000);
    byte[] Sign(Command command, SigningKey key) => SignedCommand.Create(command, key).Envelope;
    async Task AllAsync(IEnumerable<byte[]> envelopes)
    {
        foreach (var result in await Task.WhenAll(sequencer.SubmitMany(envelopes.ToList())))
            if (!result.Applied) throw new InvalidOperationException(Rejections.Code(result.Code));
    }

    await AllAsync([Sign(new EstablishChain(operatorKey.PublicKey, Amount.FromEuros(1_000_000)) { Header = H(issuer) }, issuer)]);
    await AllAsync(new[] { anna, bram, shop }.Select(k => Sign(new OpenAccount { Header = H(k) }, k)));
    await AllAsync([Sign(new GrantRole(anna.PublicKey, Roles.Officer) { Header = H(issuer) }, issuer), Sign(new GrantRole(bram.PublicKey, Roles.Officer) { Header = H(issuer) }, issuer)]);
    await AllAsync([Sign(new AdmitMerchant(shop.PublicKey, "centrum") { Header = H(anna) }, anna), Sign(new MintBudget("probe", Amount.FromEuros(100_000)) { Header = H(anna) }, anna)]);
    var residents = Enumerable.Range(0, 200).Select(_ => SigningKey.Generate()).ToList();
    var job = JobId.New();
    await AllAsync([Sign(new PublishJob(job, "probe", "probe", "gms", Amount.FromEuros(100), (ushort)residents.Count, Now() + 86_400_000) { Header = H(anna) }, anna)]);
    await AllAsync(residents.Select(r => Sign(new OpenAccount { Header = H(r) }, r)));
    await AllAsync(residents.Select(r => Sign(new Enrol(job) { Header = H(r) }, r)));
    await AllAsync(residents.Select(r => Sign(new SubmitCompletion(job, Hash32.Sha256([1])) { Header = H(r) }, r)));
    await AllAsync(residents.Select(r => Sign(new ApproveCompletion(job, r.PublicKey) { Header = H(bram) }, bram)));

    var pays = Enumerable.Range(0, count).Select(i => Sign(new Pay(shop.PublicKey, new Amount(1), null) { Header = H(residents[i % residents.Count]) }, residents[i % residents.Count])).ToList();
    var clock = Stopwatch.StartNew();
    await AllAsync(pays); // signatures checked in parallel, then sequenced and committed batch by batch
    return (count / clock.Elapsed.TotalSeconds, store);
}
