using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Facts;
using Marten;

namespace Heerlen.Munt.Storage.Projections;

/// <summary>What a pot holds: an account (<c>hm1…</c>), a budget line (<c>budget:…</c>), a job's escrow (<c>job:…</c>), or the edges <c>issuance</c> and <c>redeemed</c> (negative and positive totals).</summary>
public sealed class Balance
{
    /// <summary>The pot.</summary>
    public string Id { get; set; } = "";

    /// <summary>What it holds, in cents (negative only for <c>issuance</c>).</summary>
    public long Cents { get; set; }

    /// <summary>Height of the last entry that changed it.</summary>
    public long Height { get; set; } = -1;
}

/// <summary>Balances of every pot, inline: written in the same transaction as the entry that changes them.</summary>
public sealed class BalanceProjection : FactsProjection
{
    /// <summary>The projection's name.</summary>
    public const string Name = "balances";

    /// <inheritdoc />
    protected override async Task ProjectAsync(IDocumentOperations operations, IReadOnlyList<EntryFacts> facts, CancellationToken cancellation)
    {
        var touched = facts.SelectMany(PotsOf);
        var docs = await LoadAsync<Balance>(operations, touched, b => b.Id, cancellation);
        var changed = new Dictionary<string, Balance>(StringComparer.Ordinal);
        foreach (var f in facts)
        {
            foreach (string pot in PotsOf(f))
            {
                if (!docs.TryGetValue(pot, out var doc)) docs[pot] = doc = new Balance { Id = pot, Height = -1 };
                if (f.Height <= doc.Height) continue; // folded before
                foreach (var m in f.Movements)
                {
                    if (m.From == pot) doc.Cents = checked(doc.Cents - m.Cents);
                    if (m.To == pot) doc.Cents = checked(doc.Cents + m.Cents);
                }
                doc.Height = f.Height;
                changed[pot] = doc;
            }
        }
        if (changed.Count > 0) operations.Store(changed.Values.ToArray());
    }

    private static IEnumerable<string> PotsOf(EntryFacts f)
    {
        // A new account gets its (zero) balance at once, so "balance 0" and "unknown account" differ.
        if (f.Applied && f.Command is CommandType.OpenAccount or CommandType.EstablishChain) yield return f.Actor;
        foreach (var m in f.Movements)
        {
            yield return m.From;
            yield return m.To;
        }
    }
}
