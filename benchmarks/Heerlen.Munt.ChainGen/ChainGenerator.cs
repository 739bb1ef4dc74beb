using System.Security.Cryptography;
using System.Text;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Chain.Export;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.ChainGen;

/// <summary>
/// Generates a realistic, fully valid chain — genesis, officers, shops, residents, budgets (co-signed above the
/// threshold), jobs in ten neighbourhoods, enrolments, completions approved and rejected, payments (some answering a
/// payment request), refunds, redemptions and settlements, and a few recorded rejections — through a durable
/// <see cref="LedgerEngine"/>, straight into an export file. Deterministic from the seed: keys, ids, choices, the
/// simulated clock and the signatures' auxiliary randomness all derive from it. Commands are planned a batch at a time
/// against a model of the ledger that predicts every outcome, signed on all cores, then submitted in order.
/// </summary>
public sealed partial class ChainGenerator
{
    private const long ThresholdCents = 1_000_000; // mints above €10,000 need a second officer
    private const long HourMs = 3_600_000;
    private const long DayMs = 24 * HourMs;

    private static readonly string[] Neighbourhoods =
        ["centrum", "heerlerheide", "hoensbroek", "meezenbroek", "schandelen", "molenberg", "grasbroek", "zeswegen", "welten", "heksenberg"];

    private static readonly string[] Categories = ["zwerfafval", "groen", "straatmeubilair", "graffiti", "buurthulp", "sneeuw"];

    private static readonly string[] BudgetLines = ["wijkklussen", "groenbeheer"];

    private readonly ChainGenOptions _options;
    private readonly Random _rng;
    private readonly SigningKey _issuer;
    private readonly SigningKey _operator;
    private readonly SigningKey[] _officers;
    private readonly SigningKey[] _residents;
    private readonly SigningKey[] _shops;
    private readonly Queue<Func<Planned>> _scripted = new();
    private long _now;
    private long _planned;

    private ChainGenerator(ChainGenOptions options)
    {
        if (options.Entries < 1 + 2L * options.Officers) throw new ArgumentException("too few entries for the genesis", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Officers, 2, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Shops, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Residents, 1, nameof(options));
        _options = options;
        _rng = new Random(options.Seed);
        _now = options.StartMs;
        _issuer = DeriveKey(options.Seed, "issuer", 0);
        _operator = DeriveKey(options.Seed, "operator", 0);
        _officers = DeriveKeys(options.Seed, "officer", options.Officers);
        _residents = DeriveKeys(options.Seed, "resident", options.Residents);
        _shops = DeriveKeys(options.Seed, "shop", options.Shops);
        _residentCents = new long[options.Residents];
        _shopCents = new long[options.Shops];
        _funded = new IndexSet(options.Residents);
        ScriptGenesis();
    }

    /// <summary>The operator key of a chain generated with <paramref name="seed"/>.</summary>
    public static AccountId OperatorKey(int seed) => DeriveKey(seed, "operator", 0).PublicKey;

    /// <summary>Generates the chain into <paramref name="output"/> as an export file; <paramref name="progress"/> hears (entries, blocks) after each batch.</summary>
    public static ChainGenResult Generate(ChainGenOptions options, Stream output, Action<long, long>? progress = null) =>
        new ChainGenerator(options).Run(output, progress);

    private ChainGenResult Run(Stream output, Action<long, long>? progress)
    {
        bool native = NativeSchnorrVerifier.IsAvailable();
        ISchnorrVerifier verifier = native ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
        var engine = new LedgerEngine(_options.ChainId, _operator, verifier, new BlockPolicy(_options.BlockEntries, long.MaxValue), durable: true);
        using var writer = new ChainExportWriter(output, ExportHeader.Full(_options.ChainId, _operator.PublicKey, _options.ExportedAtMs, _options.Source));
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long rejections = 0, unexpected = 0, blocks = 0, first = _now;
        // Plan and sign the next batch on the other cores while this thread submits the current one in order.
        Task<(Planned[], VerifiedCommand[])>? next = PrepareNextBatch(native, verifier);
        while (next is not null)
        {
            var (batch, verified) = next.Result;
            next = PrepareNextBatch(native, verifier);
            for (int i = 0; i < batch.Length; i++)
            {
                SubmitResult result = engine.Submit(verified[i], batch[i].NowMs);
                if (result.Height < 0 || result.IsRetry)
                    throw new InvalidOperationException($"the generator's {batch[i].Command.Type} was refused: {Rejections.Code(result.Code)} {result.Detail}");
                if (result.Code != batch[i].Expected) unexpected++;
                if (result.Code != RejectionCode.None) rejections++;
                string type = batch[i].Command.Type.ToString();
                counts[type] = counts.GetValueOrDefault(type) + 1;
            }
            blocks += Write(writer, engine.TakeRecorded());
            progress?.Invoke(engine.State.NextHeight, blocks);
        }
        engine.SealBlock(_now);
        blocks += Write(writer, engine.TakeRecorded());
        writer.Finish();
        return new ChainGenResult(engine.State.NextHeight, blocks, rejections, unexpected, first, engine.State.LastTimestampMs, counts);
    }

    /// <summary>Plans the next batch (the model is only ever touched by one batch's planning at a time) and signs it on all cores; null when all are planned.</summary>
    private Task<(Planned[], VerifiedCommand[])>? PrepareNextBatch(bool native, ISchnorrVerifier verifier)
    {
        if (_planned >= _options.Entries) return null;
        int count = (int)Math.Min(_options.BatchSize, _options.Entries - _planned);
        var batch = new Planned[count];
        for (int i = 0; i < count; i++) batch[i] = Next();
        return Task.Run(() =>
        {
            var verified = new VerifiedCommand[count];
            Parallel.For(0, count, i => verified[i] = VerifiedCommand.Verify(Sign(batch[i], native), verifier)
                ?? throw new InvalidOperationException("a signature the generator made does not verify"));
            return (batch, verified);
        });
    }

    /// <summary>Writes recorded entries, each block right after the entry that completes it.</summary>
    private static int Write(ChainExportWriter writer, (IReadOnlyList<RecordedEntry> Entries, IReadOnlyList<Block> Blocks) recorded)
    {
        int b = 0;
        foreach (var e in recorded.Entries)
        {
            writer.WriteEntry(e.Entry);
            while (b < recorded.Blocks.Count && recorded.Blocks[b].TreeSize == e.Entry.Height + 1) writer.WriteBlock(recorded.Blocks[b++]);
        }
        while (b < recorded.Blocks.Count) writer.WriteBlock(recorded.Blocks[b++]);
        return recorded.Blocks.Count;
    }

    /// <summary>Signs like an app would, with auxiliary randomness derived from the digest so the file is reproducible.</summary>
    private static SignedCommand Sign(Planned p, bool native)
    {
        byte[] body = CommandCodec.Encode(p.Command);
        Hash32 digest = CommandCodec.SigningDigest(body);
        byte[] aux = SHA256.HashData(digest.Span);
        var signatures = new List<CommandSignature> { new(p.Command.Header.Actor, p.Actor.PublicKey, SignDigest(p.Actor, digest, aux, native)) };
        if (p.Cosigner is { } cosigner) signatures.Add(new(cosigner.PublicKey, cosigner.PublicKey, SignDigest(cosigner, digest, aux, native)));
        return SignedCommand.FromParts(body, signatures);
    }

    /// <summary>
    /// The same BIP340 signature either way (same key, digest and aux); libsecp256k1 makes it about ten times faster than
    /// the managed signer, and signing is most of the generator's work. Not checked here: the engine verifies every one.
    /// </summary>
    private static byte[] SignDigest(SigningKey key, Hash32 digest, byte[] aux, bool native) =>
        native ? Secp256k1Net.Secp256k1.SignSchnorr(digest.Span, key.ExportSecret(), aux, verify: false) : key.Sign(digest.Span, aux);

    private static SigningKey[] DeriveKeys(int seed, string role, int count)
    {
        var keys = new SigningKey[count];
        Parallel.For(0, count, i => keys[i] = DeriveKey(seed, role, i));
        return keys;
    }

    private static SigningKey DeriveKey(int seed, string role, int index)
    {
        for (int attempt = 0; ; attempt++)
        {
            byte[] secret = SHA256.HashData(Encoding.UTF8.GetBytes($"heerlen-munt/chaingen/{seed}/{role}/{index}/{attempt}"));
            try
            {
                return SigningKey.FromSecret(secret);
            }
            catch (ArgumentException)
            {
                // Not below the curve order (about 1 in 2^128): try the next.
            }
        }
    }

    /// <summary>A command to submit at <see cref="NowMs"/>, by whom, and what the ledger will answer.</summary>
    private sealed record Planned(Command Command, SigningKey Actor, SigningKey? Cosigner, long NowMs, RejectionCode Expected = RejectionCode.None);

    private CommandHeader Header(SigningKey actor) =>
        new(_options.ChainId, new CommandId(NextId()), actor.PublicKey, _now + 15 * 60_000);

    private UInt128 NextId() => new((ulong)_rng.NextInt64(), (ulong)_rng.NextInt64());

    private Planned Plan(Command command, SigningKey actor, SigningKey? cosigner = null, RejectionCode expected = RejectionCode.None) =>
        new(command, actor, cosigner, _now, expected);

    private static Amount Cents(long cents) => new(cents);
}
