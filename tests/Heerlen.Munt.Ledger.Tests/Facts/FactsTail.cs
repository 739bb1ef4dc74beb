using System.Globalization;
using System.Text.Json;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Tests.Support;
using Xunit.Sdk;

namespace Heerlen.Munt.Ledger.Tests.Facts;

/// <summary>
/// Follows a chain entry by entry, the way a projection or an auditor's tool derives facts: decode, verify the
/// signatures, decide (must give the recorded outcome), describe from the state just before the entry, apply.
/// Its own state is rebuilt from the entries alone; every Describe is checked to leave that state untouched.
/// </summary>
internal sealed class FactsTail(string chainId, IReadOnlyList<Entry> entries, ISchnorrVerifier? verifier = null)
{
    /// <summary>Follows a live engine's chain (call <see cref="CatchUp"/> after each command).</summary>
    public FactsTail(LedgerEngine engine)
        : this(engine.State.ChainId, engine.Entries)
    {
    }

    private readonly ISchnorrVerifier _verifier = verifier ?? NativeSchnorrVerifier.Instance;
    private readonly List<EntryFacts> _all = [];

    /// <summary>The state after the last entry described.</summary>
    public LedgerState State { get; } = new(chainId);

    /// <summary>The facts of every entry described so far, by height.</summary>
    public IReadOnlyList<EntryFacts> All => _all;

    /// <summary>Describes and applies the next entry of the engine's chain; null at the head.</summary>
    public EntryFacts? Next()
    {
        if (State.NextHeight >= entries.Count) return null;
        Entry entry = entries[(int)State.NextHeight];
        var decoded = SignedCommand.Decode(entry.Envelope, State.ChainId);
        var signed = decoded.Command ?? throw new XunitException($"entry {entry.Height} does not decode: {decoded.Detail}");
        var verified = VerifiedCommand.Verify(signed, _verifier) ?? throw new XunitException($"entry {entry.Height}: a signature does not check out");
        Decision decision = LedgerRules.Decide(State, verified, entry.TimestampMs);
        if (!decision.IsRecorded || decision.Code != entry.Outcome)
            throw new XunitException($"entry {entry.Height} records {Rejections.Code(entry.Outcome)}, the rules say {Rejections.Code(decision.Code)}");
        string before = Fingerprint.Of(State);
        EntryFacts facts = EntryFacts.Describe(State, verified, entry);
        if (Fingerprint.Of(State) != before) throw new XunitException($"describing entry {entry.Height} changed the state");
        LedgerRules.Apply(State, verified, entry);
        _all.Add(facts);
        return facts;
    }

    /// <summary>Describes every entry not described yet.</summary>
    public List<EntryFacts> CatchUp()
    {
        var added = new List<EntryFacts>();
        while (Next() is { } facts) added.Add(facts);
        return added;
    }

    /// <summary>Describes the one entry the last command wrote.</summary>
    public EntryFacts Single()
    {
        var added = CatchUp();
        Assert.True(added.Count == 1, $"expected one new entry, found {added.Count}");
        return added[0];
    }
}

/// <summary>Movements folded into pots (pot → cents), the double-entry view of the whole chain.</summary>
internal sealed class Pots
{
    private readonly Dictionary<string, long> _cents = new(StringComparer.Ordinal);

    public long this[string pot] => _cents.GetValueOrDefault(pot);

    /// <summary>Σ of every pot; zero if every debit has its credit.</summary>
    public long Total => _cents.Values.Sum();

    public void Add(EntryFacts facts)
    {
        foreach (var m in facts.Movements)
        {
            _cents[m.From] = checked(this[m.From] - m.Cents);
            _cents[m.To] = checked(this[m.To] + m.Cents);
        }
    }

    /// <summary>What the pots must hold for a ledger state: balances, budgets, job reserves, campaign funds and the two edges of the supply.</summary>
    public static Dictionary<string, long> Expected(LedgerState state)
    {
        var expected = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            [Movement.Issuance] = -state.Minted.Cents,
            [Movement.Burnt] = state.Redeemed.Cents,
        };
        foreach (var (id, account) in state.Accounts) expected.Add(id.ToString(), account.Balance.Cents);
        foreach (var (budget, amount) in state.Budgets) expected.Add(Movement.BudgetPot(budget), amount.Cents);
        foreach (var (id, job) in state.Jobs) expected.Add(Movement.JobPot(id), job.Reserve.Cents);
        foreach (var (id, campaign) in state.Campaigns) expected.Add(Movement.CampaignPot(id), campaign.Funds.Cents);
        return expected;
    }

    /// <summary>The first pot that differs from what the state holds, or null.</summary>
    public string? DifferenceFrom(LedgerState state)
    {
        var expected = Expected(state);
        foreach (string pot in expected.Keys.Union(_cents.Keys).Order(StringComparer.Ordinal))
        {
            long want = expected.GetValueOrDefault(pot);
            if (this[pot] != want) return string.Create(CultureInfo.InvariantCulture, $"pot {pot} holds {this[pot]} by the movements, {want} in the ledger");
        }
        return null;
    }
}

/// <summary>Statistics as a projection would keep them: one stored document per bucket, loaded, folded and saved batch by batch.</summary>
internal static class StoredStatistics
{
    /// <summary>Folds one batch into the store: loads (or creates) the buckets it touches, folds, saves them back.</summary>
    public static void FoldBatch(Dictionary<string, string> store, IEnumerable<EntryFacts> batch)
    {
        var loaded = new Dictionary<string, PeriodFigures>(StringComparer.Ordinal);
        foreach (var facts in batch)
        {
            foreach (string id in StatisticsFold.BucketIds(facts))
            {
                if (!loaded.TryGetValue(id, out var bucket))
                {
                    bucket = store.TryGetValue(id, out string? json) ? JsonSerializer.Deserialize<PeriodFigures>(json)! : StatisticsFold.NewBucket(id);
                    loaded.Add(id, bucket);
                }
                StatisticsFold.Add(bucket, facts);
            }
        }
        foreach (var (id, bucket) in loaded) store[id] = JsonSerializer.Serialize(bucket);
    }

    /// <summary>Every bucket of a book as its stored document.</summary>
    public static Dictionary<string, string> Of(StatisticsBook book) =>
        book.Buckets.ToDictionary(b => b.Key, b => JsonSerializer.Serialize(b.Value), StringComparer.Ordinal);

    /// <summary>The first bucket that differs between two stores, or null.</summary>
    public static string? DifferenceBetween(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual)
    {
        foreach (string id in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            string want = expected.GetValueOrDefault(id) ?? "(none)";
            string got = actual.GetValueOrDefault(id) ?? "(none)";
            if (want != got) return $"bucket {id}: expected {want}, got {got}";
        }
        return null;
    }
}
