using System.Collections.Immutable;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;

namespace Heerlen.Munt.Server.Chain;

/// <summary>A shop as the back office sees it, copied out of the ledger state.</summary>
/// <param name="Id">The shop's account.</param>
/// <param name="Neighbourhood">Where it is, as of its latest admission.</param>
/// <param name="Suspended">True while suspended (cannot receive payments).</param>
/// <param name="Frozen">True while frozen (can do nothing).</param>
/// <param name="BalanceCents">Its HM.</param>
/// <param name="OutstandingRedemptions">Redemptions handed in and not yet paid out.</param>
/// <param name="OutstandingRedemptionCents">The euro-cents owed for them.</param>
public sealed record MerchantSnapshot(AccountId Id, string Neighbourhood, bool Suspended, bool Frozen, long BalanceCents, int OutstandingRedemptions, long OutstandingRedemptionCents);

/// <summary>Where the HM in existence is, and what is owed to shops, after exactly <see cref="AsOfHeight"/> entries.</summary>
/// <param name="AsOfHeight">Entries below this height are in the figures.</param>
/// <param name="MintedCents">All HM ever minted.</param>
/// <param name="RedeemedCents">All HM ever redeemed (burnt).</param>
/// <param name="AccountBalancesCents">HM held by accounts, summed movement by movement (not taken from the invariant).</param>
/// <param name="MerchantBalancesCents">HM held by shops (ever admitted).</param>
/// <param name="BudgetsCents">HM in budget lines.</param>
/// <param name="JobReservesCents">HM in jobs' escrow.</param>
/// <param name="OutstandingRedemptions">Redemptions not yet paid out.</param>
/// <param name="OutstandingRedemptionCents">Euro-cents owed for them.</param>
/// <param name="CampaignFundsCents">HM in participation campaigns, not yet paid out as rewards.</param>
public sealed record LiabilitiesSnapshot(
    long AsOfHeight, long MintedCents, long RedeemedCents, long AccountBalancesCents, long MerchantBalancesCents,
    long BudgetsCents, long JobReservesCents, int OutstandingRedemptions, long OutstandingRedemptionCents, long CampaignFundsCents)
{
    /// <summary>HM in existence: minted − redeemed.</summary>
    public long SupplyCents => checked(MintedCents - RedeemedCents);

    /// <summary>HM held by accounts that are not shops.</summary>
    public long ResidentBalancesCents => checked(AccountBalancesCents - MerchantBalancesCents);
}

/// <summary>The shops and the city-wide totals at one height, published together so a reader never mixes two heights.</summary>
/// <param name="Totals">The totals.</param>
/// <param name="Merchants">Every shop ever admitted, by account id text.</param>
public sealed record MerchantBook(LiabilitiesSnapshot Totals, ImmutableSortedDictionary<string, MerchantSnapshot> Merchants)
{
    /// <summary>Before the chain is loaded.</summary>
    public static readonly MerchantBook Empty = new(new LiabilitiesSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), ImmutableSortedDictionary.Create<string, MerchantSnapshot>(StringComparer.Ordinal));
}

/// <summary>
/// The shops and the liabilities (issue: the back office's merchant list and open liabilities). Kept like the rest of
/// the view: copied out of the ledger state on the writer thread when a batch is decided, shown once it is stored.
/// Per batch it costs the shops the batch touched and the budget lines (a few), never a pass over every account: the
/// accounts' total follows the entries' money movements.
/// </summary>
public sealed partial class ChainView
{
    private volatile MerchantBook _book = MerchantBook.Empty;

    // The book of the last decided batch (writer thread only): with pipelining it runs ahead of the published one.
    private MerchantBook _decidedBook = MerchantBook.Empty;

    /// <summary>Every shop ever admitted and the totals, at one height.</summary>
    public MerchantBook Merchants => _book;

    private static MerchantBook BookOf(LedgerState state)
    {
        long accounts = 0;
        var merchants = ImmutableSortedDictionary.CreateBuilder<string, MerchantSnapshot>(StringComparer.Ordinal);
        var outstanding = Outstanding(state, null);
        foreach (var (id, account) in state.Accounts)
        {
            accounts = checked(accounts + account.Balance.Cents);
            if (account.MerchantNeighbourhood is not null)
                merchants[id.ToString()] = MerchantOf(id, account, outstanding.GetValueOrDefault(id));
        }
        return new MerchantBook(Totals(state, accounts, merchants.Values), merchants.ToImmutable());
    }

    /// <summary>The book after a batch: the shops it touched copied again, the totals moved by its movements.</summary>
    private MerchantBook NextBook(IReadOnlyList<RecordedEntry> entries, LedgerState state, HashSet<AccountId> touched, HashSet<AccountId> redeeming)
    {
        var before = _decidedBook;
        long accounts = before.Totals.AccountBalancesCents;
        var candidates = new HashSet<AccountId>(touched);
        candidates.UnionWith(redeeming);
        foreach (var recorded in entries)
        {
            foreach (var m in recorded.Facts.Movements)
            {
                if (IsAccountPot(m.To))
                {
                    accounts = checked(accounts + m.Cents);
                    if (before.Merchants.TryGetValue(m.To, out var to)) candidates.Add(to.Id);
                }
                if (IsAccountPot(m.From))
                {
                    accounts = checked(accounts - m.Cents);
                    if (before.Merchants.TryGetValue(m.From, out var from)) candidates.Add(from.Id);
                }
            }
        }
        var outstanding = redeeming.Count == 0 ? [] : Outstanding(state, redeeming);
        var merchants = before.Merchants.ToBuilder();
        foreach (var id in candidates)
        {
            if (!state.Accounts.TryGetValue(id, out var account) || account.MerchantNeighbourhood is null) continue;
            string key = id.ToString();
            var owed = redeeming.Contains(id) ? outstanding.GetValueOrDefault(id)
                : merchants.TryGetValue(key, out var old) ? (old.OutstandingRedemptions, old.OutstandingRedemptionCents) : default;
            merchants[key] = MerchantOf(id, account, owed);
        }
        var book = new MerchantBook(Totals(state, accounts, merchants.Values), merchants.ToImmutable());
        _decidedBook = book;
        return book;
    }

    private static bool IsAccountPot(string pot) => pot.StartsWith(AccountId.Prefix + "1", StringComparison.Ordinal);

    private static LiabilitiesSnapshot Totals(LedgerState state, long accounts, IEnumerable<MerchantSnapshot> merchants)
    {
        long budgets = 0, merchantCents = 0, owedCents = 0;
        int owed = 0;
        foreach (var budget in state.Budgets.Values) budgets = checked(budgets + budget.Cents);
        foreach (var m in merchants)
        {
            merchantCents = checked(merchantCents + m.BalanceCents);
            owed += m.OutstandingRedemptions;
            owedCents = checked(owedCents + m.OutstandingRedemptionCents);
        }
        return new LiabilitiesSnapshot(state.NextHeight, state.Minted.Cents, state.Redeemed.Cents, accounts, merchantCents, budgets, state.Reserved.Cents, owed, owedCents, state.CampaignFunds.Cents);
    }

    /// <summary>Unsettled redemptions per shop (of <paramref name="only"/> these shops, or all).</summary>
    private static Dictionary<AccountId, (int Count, long Cents)> Outstanding(LedgerState state, HashSet<AccountId>? only)
    {
        var owed = new Dictionary<AccountId, (int Count, long Cents)>();
        foreach (var ((merchant, _), record) in state.RedemptionsById)
        {
            if (record.BankReference is not null || (only is not null && !only.Contains(merchant))) continue;
            var (count, cents) = owed.GetValueOrDefault(merchant);
            owed[merchant] = (count + 1, checked(cents + record.Amount.Cents));
        }
        return owed;
    }

    private static MerchantSnapshot MerchantOf(AccountId id, AccountState account, (int Count, long Cents) owed) =>
        new(id, account.MerchantNeighbourhood!, account.MerchantSuspended, account.Frozen, account.Balance.Cents, owed.Count, owed.Cents);
}
