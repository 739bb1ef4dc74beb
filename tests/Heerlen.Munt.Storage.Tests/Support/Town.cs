using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Storage.Chain;
using Marten;

namespace Heerlen.Munt.Storage.Tests.Support;

/// <summary>
/// A community on a durable chain in its own database: signs commands with test keys and submits them through a
/// real <see cref="Sequencer"/> on real PostgreSQL. <see cref="RestartAsync"/> stops the sequencer and starts a new
/// one on the same database (as a server restart would).
/// </summary>
public sealed class Town : IAsyncDisposable
{
    public const string ChainId = "heerlen-munt/test";
    public const string Budget = "klussen-2026";

    private Town(string connectionString, SequencerOptions options)
    {
        ConnectionString = connectionString;
        Options = options;
        Documents = HeerlenStore.Create(connectionString);
        Store = new ChainStore(Documents, ChainId);
    }

    public string ConnectionString { get; }

    public SequencerOptions Options { get; }

    public DocumentStore Documents { get; }

    public ChainStore Store { get; }

    public Sequencer Sequencer { get; private set; } = null!;

    public SigningKey Issuer { get; } = SigningKey.Generate();

    public SigningKey Operator { get; } = SigningKey.Generate();

    public SigningKey Officer1 { get; } = SigningKey.Generate();

    public SigningKey Officer2 { get; } = SigningKey.Generate();

    public long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A town in a fresh database, established: issuer, two officers, HM 5,000 in the budget.</summary>
    public static async Task<Town> StartAsync(PostgresFixture postgres, string hint, SequencerOptions? options = null, bool establish = true)
    {
        var town = new Town(await postgres.NewDatabaseAsync(hint), options ?? new SequencerOptions { BatchWait = TimeSpan.FromMilliseconds(1), Blocks = new BlockPolicy(8, 60_000) });
        await town.StartSequencerAsync();
        if (!establish) return town;
        Ok(await town.SubmitAsync(new EstablishChain(town.Operator.PublicKey, Amount.FromEuros(10_000)) { Header = town.Header(town.Issuer) }, town.Issuer));
        Ok(await town.SubmitAsync(new OpenAccount { Header = town.Header(town.Officer1) }, town.Officer1));
        Ok(await town.SubmitAsync(new OpenAccount { Header = town.Header(town.Officer2) }, town.Officer2));
        Ok(await town.SubmitAsync(new GrantRole(town.Officer1.PublicKey, Roles.Officer) { Header = town.Header(town.Issuer) }, town.Issuer));
        Ok(await town.SubmitAsync(new GrantRole(town.Officer2.PublicKey, Roles.Officer) { Header = town.Header(town.Issuer) }, town.Issuer));
        Ok(await town.SubmitAsync(new MintBudget(Budget, Amount.FromEuros(5_000)) { Header = town.Header(town.Officer1) }, town.Officer1));
        return town;
    }

    public async Task StartSequencerAsync() => Sequencer = await Sequencer.StartAsync(Store, Operator, ManagedSchnorrVerifier.Instance, Options, observer: Observer);

    /// <summary>Hears the sequencer (set before <see cref="StartSequencerAsync"/> or a restart).</summary>
    public IChainObserver? Observer { get; set; }

    /// <summary>Stops the sequencer (finishing what is queued) and starts a new one that loads the chain from PostgreSQL.</summary>
    public async Task RestartAsync()
    {
        await Sequencer.DisposeAsync();
        await StartSequencerAsync();
    }

    public CommandHeader Header(SigningKey actor, CommandId? id = null, long? expiresAtMs = null) =>
        new(ChainId, id ?? CommandId.New(), actor.PublicKey, expiresAtMs ?? NowMs + 3_600_000);

    public static byte[] Sign(Command command, SigningKey key, SigningKey? cosigner = null) => SignedCommand.Create(command, key, cosigner).Envelope;

    public Task<SubmitResult> SubmitAsync(Command command, SigningKey key, SigningKey? cosigner = null) => Sequencer.SubmitAsync(Sign(command, key, cosigner));

    public static SubmitResult Ok(SubmitResult result) =>
        result.Applied ? result : throw new Xunit.Sdk.XunitException($"expected the command to be applied, got {Rejections.Code(result.Code)} {result.Detail}");

    public async Task<SigningKey> NewResidentAsync()
    {
        var key = SigningKey.Generate();
        Ok(await SubmitAsync(new OpenAccount { Header = Header(key) }, key));
        return key;
    }

    public async Task<SigningKey> NewMerchantAsync(string neighbourhood = "centrum")
    {
        var key = await NewResidentAsync();
        Ok(await SubmitAsync(new AdmitMerchant(key.PublicKey, neighbourhood) { Header = Header(Officer1) }, Officer1));
        return key;
    }

    public async Task<JobId> PublishJobAsync(long rewardEuros = 15, ushort slots = 2, string neighbourhood = "gms", string category = "straatmeubilair")
    {
        var job = JobId.New();
        Ok(await SubmitAsync(new PublishJob(job, Budget, category, neighbourhood, Amount.FromEuros(rewardEuros), slots, NowMs + 86_400_000) { Header = Header(Officer1) }, Officer1));
        return job;
    }

    /// <summary>Enrols, reports done and gets approved: the worker earns the job's reward.</summary>
    public async Task EarnAsync(SigningKey worker, JobId job)
    {
        Ok(await SubmitAsync(new Enrol(job) { Header = Header(worker) }, worker));
        Ok(await SubmitAsync(new SubmitCompletion(job, Hash32.Sha256([1, 2, 3])) { Header = Header(worker) }, worker));
        Ok(await SubmitAsync(new ApproveCompletion(job, worker.PublicKey) { Header = Header(Officer2) }, Officer2));
    }

    /// <summary>A resident holding <paramref name="rewardEuros"/> from one job.</summary>
    public async Task<SigningKey> NewEarnerAsync(long rewardEuros = 15, string neighbourhood = "gms")
    {
        var resident = await NewResidentAsync();
        await EarnAsync(resident, await PublishJobAsync(rewardEuros, 1, neighbourhood));
        return resident;
    }

    /// <summary>Lets the async daemon fold every stored entry into history and statistics.</summary>
    public Task CatchUpAsync() => Heerlen.Munt.Storage.Projections.ReadModelDaemon.CatchUpOnceAsync(Documents, TimeSpan.FromMinutes(1));

    /// <summary>Verifies what is stored, from scratch, with the ledger core's verifier only.</summary>
    public Task<VerificationReport> VerifyStoredAsync() => Store.VerifyAsync(ManagedSchnorrVerifier.Instance);

    public async ValueTask DisposeAsync()
    {
        if (Sequencer is not null) await Sequencer.DisposeAsync();
        Documents.Dispose();
    }
}
