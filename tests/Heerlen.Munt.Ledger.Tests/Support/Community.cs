using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Tests.Support;

/// <summary>
/// A small community on an in-memory chain for tests: an issuer, two officers and a budget,
/// with helpers that build, sign and submit commands. Time is a field the test moves.
/// </summary>
public sealed class Community
{
    public const string ChainId = "heerlen-munt/test";
    public const string Budget = "klussen-2026";
    public static readonly Amount Threshold = Amount.FromEuros(10_000);

    public Community(bool established = true, ISchnorrVerifier? verifier = null, BlockPolicy? policy = null)
    {
        Engine = new LedgerEngine(ChainId, Operator, verifier ?? ManagedSchnorrVerifier.Instance, policy ?? new BlockPolicy(EntriesMax: 8, IntervalMs: 60_000));
        if (!established) return;
        Ok(Submit(new EstablishChain(Operator.PublicKey, Threshold) { Header = Header(Issuer) }, Issuer));
        Officer1 = NewAccount();
        Officer2 = NewAccount();
        Ok(Submit(new GrantRole(Officer1.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer));
        Ok(Submit(new GrantRole(Officer2.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer));
        Ok(Submit(new MintBudget(Budget, Amount.FromEuros(5_000)) { Header = Header(Officer1) }, Officer1));
    }

    public long NowMs { get; set; } = 1_780_000_000_000;

    public LedgerEngine Engine { get; }

    public LedgerState State => Engine.State;

    public SigningKey Issuer { get; } = SigningKey.Generate();

    public SigningKey Operator { get; } = SigningKey.Generate();

    public SigningKey Officer1 { get; } = null!;

    public SigningKey Officer2 { get; } = null!;

    public CommandHeader Header(SigningKey actor, CommandId? id = null, long? expiresAtMs = null, AccountId? account = null) =>
        new(ChainId, id ?? CommandId.New(), account ?? actor.PublicKey, expiresAtMs ?? NowMs + 60_000);

    public SubmitResult Submit(Command command, SigningKey key, SigningKey? cosigner = null, AccountId? actorAccount = null) =>
        Engine.Submit(SignedCommand.Create(command, key, cosigner, actorAccount: actorAccount).Envelope, NowMs);

    public static SubmitResult Ok(SubmitResult result)
    {
        if (!result.Applied) throw new Xunit.Sdk.XunitException($"expected the command to be applied, got {Rejections.Code(result.Code)} {result.Detail}");
        return result;
    }

    /// <summary>A new resident account.</summary>
    public SigningKey NewAccount()
    {
        var key = SigningKey.Generate();
        Ok(Submit(new OpenAccount { Header = Header(key) }, key));
        return key;
    }

    /// <summary>A new affiliated shop in <paramref name="neighbourhood"/>.</summary>
    public SigningKey NewMerchant(string neighbourhood = "centrum")
    {
        var key = NewAccount();
        Ok(Submit(new AdmitMerchant(key.PublicKey, neighbourhood) { Header = Header(Officer1) }, Officer1));
        return key;
    }

    /// <summary>Publishes a job in GMS and returns its id.</summary>
    public JobId PublishJob(long rewardEuros = 15, ushort slots = 2, long? deadlineMs = null)
    {
        var job = JobId.New();
        Ok(Submit(new PublishJob(job, Budget, "straatmeubilair", "gms", Amount.FromEuros(rewardEuros), slots, deadlineMs ?? NowMs + 86_400_000) { Header = Header(Officer1) }, Officer1));
        return job;
    }

    /// <summary>A resident who enrolled, did and was paid for a job: holds <paramref name="rewardEuros"/>.</summary>
    public SigningKey NewEarner(long rewardEuros = 15)
    {
        var resident = NewAccount();
        var job = PublishJob(rewardEuros, 1);
        Ok(Submit(new Enrol(job) { Header = Header(resident) }, resident));
        Ok(Submit(new SubmitCompletion(job, Hash32.Sha256([1, 2, 3])) { Header = Header(resident) }, resident));
        Ok(Submit(new ApproveCompletion(job, resident.PublicKey) { Header = Header(Officer2) }, Officer2));
        return resident;
    }

    public VerificationReport Verify(ISchnorrVerifier? verifier = null) =>
        ChainVerifier.Verify(ChainId, Engine.Entries.Select(e => e.Encode()), Engine.Blocks, verifier ?? ManagedSchnorrVerifier.Instance);
}
