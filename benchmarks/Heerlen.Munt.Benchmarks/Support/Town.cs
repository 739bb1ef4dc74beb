using System.Security.Cryptography;
using System.Text;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Benchmarks.Support;

/// <summary>A key with its secret at hand, so that libsecp256k1 can sign with it (the ledger's <see cref="SigningKey"/> signs in managed code).</summary>
/// <param name="Key">The key.</param>
/// <param name="Secret">Its 32-byte secret.</param>
internal sealed record BenchKey(SigningKey Key, byte[] Secret)
{
    public AccountId Id => Key.PublicKey;
}

/// <summary>
/// Builds a town on a ledger state with pre-signed, verified commands, deterministically from a seed: an issuer, two
/// officers, a big budget, residents who earned HM from jobs, shops. Every command goes through
/// <see cref="LedgerRules.Decide"/> (it must be accepted) and <see cref="LedgerRules.Apply"/>, and the log of
/// (verified command, entry) pairs can be applied again onto a fresh state, which gives exactly the same state.
/// </summary>
internal sealed class Town
{
    public const string ChainId = "heerlen-munt/bench";
    public const string Budget = "klussen-2026";

    /// <summary>Libsecp256k1 when it loads (it does on this machine); the managed checker otherwise.</summary>
    public static readonly ISchnorrVerifier Verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;

    private readonly int _seed;
    private readonly bool _keepLog;
    private ulong _nextId = 1;

    /// <summary>A new town; <paramref name="keepLog"/> false forgets each command once applied (the memory probe).</summary>
    public Town(int seed = 1, bool keepLog = true)
    {
        _seed = seed;
        _keepLog = keepLog;
        Issuer = NewKeys("issuer", 1)[0];
        Operator = NewKeys("operator", 1)[0];
        Officer1 = NewKeys("officer", 2)[0];
        Officer2 = NewKeys("officer", 2)[1];
    }

    public LedgerState State { get; } = new(ChainId);

    /// <summary>Every command applied so far with its entry (empty when the log is not kept).</summary>
    public List<(VerifiedCommand Command, Entry Entry)> Log { get; } = [];

    public BenchKey Issuer { get; }

    public BenchKey Operator { get; }

    public BenchKey Officer1 { get; }

    public BenchKey Officer2 { get; }

    /// <summary>The time of the next entry (unix ms); each entry moves it one second on.</summary>
    public long NowMs { get; private set; } = 1_780_000_000_000;

    /// <summary>Commands expire a year after this town's start: long after any benchmark has used them.</summary>
    public long ExpiresAtMs => 1_780_000_000_000 + 365L * 86_400_000;

    /// <summary>Height 0, two officers and a budget of HM 50,000,000 (minted with the threshold above it: one signature).</summary>
    public Town Establish()
    {
        Run([(new EstablishChain(Operator.Id, new Amount(Amount.CentsMax)) { Header = Header(Issuer) }, Issuer)]);
        OpenAccounts([Officer1, Officer2]);
        Run([
            (new GrantRole(Officer1.Id, Roles.Officer) { Header = Header(Issuer) }, Issuer),
            (new GrantRole(Officer2.Id, Roles.Officer) { Header = Header(Issuer) }, Issuer),
            (new MintBudget(Budget, Amount.FromEuros(50_000_000)) { Header = Header(Officer1) }, Officer1),
        ]);
        return this;
    }

    /// <summary>A header for <paramref name="actor"/> with the next command id.</summary>
    public CommandHeader Header(BenchKey actor) => new(ChainId, new CommandId(NextId()), actor.Id, ExpiresAtMs);

    /// <summary>The next id (command, job or payment request): distinct within the town.</summary>
    public UInt128 NextId() => new((ulong)_seed, _nextId++);

    /// <summary><paramref name="count"/> keys derived from the seed and <paramref name="role"/> (distinct roles, distinct keys).</summary>
    public BenchKey[] NewKeys(string role, int count)
    {
        var keys = new BenchKey[count];
        Parallel.For(0, count, i => keys[i] = DeriveKey($"heerlen-munt/bench/{_seed}/{role}/{i}"));
        return keys;
    }

    /// <summary>Opens an account for each key.</summary>
    public void OpenAccounts(IReadOnlyList<BenchKey> keys) =>
        Run([.. keys.Select(k => ((Command)new OpenAccount { Header = Header(k) }, k))]);

    /// <summary>Opens and admits shops in the centre.</summary>
    public void OpenShops(IReadOnlyList<BenchKey> shops)
    {
        OpenAccounts(shops);
        Run([.. shops.Select(s => ((Command)new AdmitMerchant(s.Id, "centrum") { Header = Header(Officer1) }, Officer1))]);
    }

    /// <summary>Publishes a job in GMS with <paramref name="slots"/> slots.</summary>
    public JobId PublishJob(long rewardCents, int slots)
    {
        var job = new JobId(NextId());
        Run([(PublishJobCommand(job, rewardCents, slots), Officer1)]);
        return job;
    }

    /// <summary>The command that publishes <paramref name="job"/> (not run).</summary>
    public PublishJob PublishJobCommand(JobId job, long rewardCents, int slots) =>
        new(job, Budget, "straatmeubilair", "gms", new Amount(rewardCents), (ushort)slots, ExpiresAtMs) { Header = Header(Officer1) };

    /// <summary>Each resident (accounts open) enrols in a job, reports it done and is paid <paramref name="rewardCents"/>.</summary>
    public void Earn(IReadOnlyList<BenchKey> residents, long rewardCents)
    {
        const int SlotsMax = 10_000;
        for (int start = 0; start < residents.Count; start += SlotsMax)
        {
            var group = residents.Skip(start).Take(SlotsMax).ToArray();
            var job = PublishJob(rewardCents, group.Length);
            Run([.. group.Select(r => ((Command)new Enrol(job) { Header = Header(r) }, r))]);
            Run([.. group.Select(r => ((Command)SubmitCommand(job, r), r))]);
            Run([.. group.Select(r => ((Command)new ApproveCompletion(job, r.Id) { Header = Header(Officer2) }, Officer2))]);
        }
    }

    /// <summary>The command by which <paramref name="worker"/> reports <paramref name="job"/> done (not run).</summary>
    public SubmitCompletion SubmitCommand(JobId job, BenchKey worker) =>
        new(job, Hash32.Sha256(worker.Id.Span)) { Header = Header(worker) };

    /// <summary>Signs (on all cores, libsecp256k1) and verifies commands, then decides and applies them in order; each must be accepted.</summary>
    public VerifiedCommand[] Run(IReadOnlyList<(Command Command, BenchKey Actor)> commands)
    {
        var verified = SignAll(commands);
        foreach (var v in verified) Record(v);
        return verified;
    }

    /// <summary>Signs and verifies commands on all cores, without running them.</summary>
    public static VerifiedCommand[] SignAll(IReadOnlyList<(Command Command, BenchKey Actor)> commands)
    {
        var verified = new VerifiedCommand[commands.Count];
        Parallel.For(0, commands.Count, i => verified[i] = VerifiedCommand.Verify(Sign(commands[i].Command, commands[i].Actor), Verifier)
            ?? throw new InvalidOperationException("a signature made here does not verify"));
        return verified;
    }

    /// <summary>Decides (must be accepted) and applies one verified command at <see cref="NowMs"/>.</summary>
    public Entry Record(VerifiedCommand verified)
    {
        Decision decision = LedgerRules.Decide(State, verified, NowMs);
        if (!decision.IsAccepted)
            throw new InvalidOperationException($"the town's {verified.Command.Type} was not accepted: {Rejections.Code(decision.Code)}");
        var entry = Entry.Create(State.NextHeight, State.HeadHash, NowMs, decision.Code, verified.Signed.Envelope);
        LedgerRules.Apply(State, verified, entry);
        if (_keepLog) Log.Add((verified, entry));
        NowMs += 1000;
        return entry;
    }

    /// <summary>A fresh state with the first <paramref name="count"/> logged entries applied: the same state the town had then.</summary>
    public LedgerState Replay(int count)
    {
        var state = new LedgerState(ChainId);
        for (int i = 0; i < count; i++) LedgerRules.Apply(state, Log[i].Command, Log[i].Entry);
        return state;
    }

    /// <summary>Encodes and signs like an app, with libsecp256k1 and the digest as auxiliary randomness (reproducible).</summary>
    public static SignedCommand Sign(Command command, BenchKey actor)
    {
        byte[] body = CommandCodec.Encode(command);
        Hash32 digest = CommandCodec.SigningDigest(body);
        byte[] signature = SignDigest(actor, digest.Span);
        return SignedCommand.FromParts(body, [new CommandSignature(command.Header.Actor, actor.Id, signature)]);
    }

    /// <summary>A BIP340 signature of a 32-byte digest; native when libsecp256k1 loads.</summary>
    public static byte[] SignDigest(BenchKey key, ReadOnlySpan<byte> digest)
    {
        byte[] aux = SHA256.HashData(digest);
        return Verifier is NativeSchnorrVerifier
            ? Secp256k1Net.Secp256k1.SignSchnorr(digest, key.Secret, aux, verify: false)
            : key.Key.Sign(digest, aux);
    }

    private static BenchKey DeriveKey(string label)
    {
        for (int attempt = 0; ; attempt++)
        {
            byte[] secret = SHA256.HashData(Encoding.UTF8.GetBytes($"{label}/{attempt}"));
            try
            {
                return new BenchKey(SigningKey.FromSecret(secret), secret);
            }
            catch (ArgumentException)
            {
                // Not below the curve order (about 1 in 2^128): try the next.
            }
        }
    }
}
