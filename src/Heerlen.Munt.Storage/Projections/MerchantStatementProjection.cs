using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Facts;
using Marten;

namespace Heerlen.Munt.Storage.Projections;

/// <summary>A shop's day (Heerlen local time): what came in, went back, was handed in and was paid out in euros.</summary>
public sealed class MerchantDay
{
    /// <summary><c>merchant/yyyy-MM-dd</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The shop.</summary>
    public string Merchant { get; set; } = "";

    /// <summary>The local day, <c>yyyy-MM-dd</c>.</summary>
    public string Day { get; set; } = "";

    /// <summary>Payments received.</summary>
    public int Payments { get; set; }

    /// <summary>HM received, in cents.</summary>
    public long ReceivedCents { get; set; }

    /// <summary>HM refunded, in cents.</summary>
    public long RefundedCents { get; set; }

    /// <summary>HM redeemed (handed in for euros), in cents.</summary>
    public long RedeemedCents { get; set; }

    /// <summary>Euros paid out by bank transfer for redemptions, in cents.</summary>
    public long SettledCents { get; set; }

    /// <summary>Height of the last entry folded in.</summary>
    public long Height { get; set; } = -1;

    /// <summary>The id of a shop's day.</summary>
    public static string IdOf(string merchant, string day) => merchant + "/" + day;
}

/// <summary>Merchant statements per shop per local day, inline.</summary>
public sealed class MerchantStatementProjection : FactsProjection
{
    /// <summary>The projection's name.</summary>
    public const string Name = "merchant_statements";

    /// <inheritdoc />
    protected override async Task ProjectAsync(IDocumentOperations operations, IReadOnlyList<EntryFacts> facts, CancellationToken cancellation)
    {
        var relevant = facts.Where(f => MerchantOf(f) is not null).ToList();
        var docs = await LoadAsync<MerchantDay>(operations, relevant.Select(IdOf), d => d.Id, cancellation);
        var changed = new Dictionary<string, MerchantDay>(StringComparer.Ordinal);
        foreach (var f in relevant)
        {
            string id = IdOf(f);
            if (!docs.TryGetValue(id, out var doc))
                docs[id] = doc = new MerchantDay { Id = id, Merchant = MerchantOf(f)!, Day = HeerlenCalendar.Day(f.TimestampMs) };
            if (f.Height <= doc.Height) continue;
            foreach (var m in f.Movements)
            {
                switch (m.Kind)
                {
                    case MovementKind.Payment: doc.Payments++; doc.ReceivedCents = checked(doc.ReceivedCents + m.Cents); break;
                    case MovementKind.Refund: doc.RefundedCents = checked(doc.RefundedCents + m.Cents); break;
                    case MovementKind.Redemption: doc.RedeemedCents = checked(doc.RedeemedCents + m.Cents); break;
                }
            }
            if (f.Command == CommandType.SettleRedemption) doc.SettledCents = checked(doc.SettledCents + f.SettledCents);
            doc.Height = f.Height;
            changed[id] = doc;
        }
        if (changed.Count > 0) operations.Store(changed.Values.ToArray());
    }

    private static string IdOf(EntryFacts f) => MerchantDay.IdOf(MerchantOf(f)!, HeerlenCalendar.Day(f.TimestampMs));

    private static string? MerchantOf(EntryFacts f) => !f.Applied ? null : f.Command switch
    {
        CommandType.Pay or CommandType.SettleRedemption => f.Subject,
        CommandType.Refund or CommandType.Redeem => f.Actor,
        _ => null,
    };
}
