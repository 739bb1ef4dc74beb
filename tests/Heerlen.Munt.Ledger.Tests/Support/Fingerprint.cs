using System.Text;

namespace Heerlen.Munt.Ledger.Tests.Support;

/// <summary>
/// A text picture of everything money-related in a state (accounts, budgets, jobs, payments, redemptions,
/// totals), in a fixed order, so two states can be compared for equality in a test.
/// </summary>
public static class Fingerprint
{
    public static string Of(LedgerState s)
    {
        var b = new StringBuilder();
        b.Append($"minted={s.Minted.Cents} redeemed={s.Redeemed.Cents} reserved={s.Reserved.Cents} established={s.IsEstablished}\n");
        foreach (var (id, a) in s.Accounts.OrderBy(p => p.Key))
            b.Append($"account {id} key={a.CurrentKey} roles={a.Roles} balance={a.Balance.Cents} frozen={a.Frozen} suspended={a.MerchantSuspended} shop_in={a.MerchantNeighbourhood} area={a.Area} earned=[{string.Join(",", a.Earnings)}]\n");
        foreach (var (id, amount) in s.Budgets.OrderBy(p => p.Key, StringComparer.Ordinal))
            b.Append($"budget {id}={amount.Cents}\n");
        foreach (var (id, j) in s.Jobs.OrderBy(p => p.Key.Value))
        {
            b.Append($"job {id} open={j.Open} reserve={j.Reserve.Cents} taken={j.Taken} paid={j.Paid}");
            foreach (var (worker, e) in j.Participants.OrderBy(p => p.Key))
                b.Append($" [{worker} {e.Status} {e.Evidence} {e.RejectionReason}]");
            b.Append('\n');
        }
        foreach (var (key, p) in s.Payments.OrderBy(p => p.Key.Payer).ThenBy(p => p.Key.Id.Value))
            b.Append($"payment {key.Payer}/{key.Id} to={p.Merchant} amount={p.Amount.Cents} refunded={p.Refunded.Cents}\n");
        foreach (var (key, r) in s.Redemptions.OrderBy(p => p.Key.Merchant).ThenBy(p => p.Key.Id.Value))
            b.Append($"redemption {key.Merchant}/{key.Id} amount={r.Amount.Cents} settled={r.BankReference}\n");
        foreach (var (id, l) in s.SpendingLimits.OrderBy(p => p.Key))
            b.Append($"limit {id} daily={l.Daily.Cents} day={l.Day} spent={l.SpentOnDay.Cents}\n");
        b.Append($"campaign_funds={s.CampaignFunds.Cents}\n");
        foreach (var (id, c) in s.Campaigns.OrderBy(p => p.Key.Value))
            b.Append($"campaign {id} funds={c.Funds.Cents} funded={c.Funded.Cents} paid={c.Paid} closed={c.Closed} spent={string.Join(",", c.Spent.Select(x => x.ToHash32().ToString()).Order(StringComparer.Ordinal))} rewarded={string.Join(",", c.RewardsByAccount.Select(p => $"{p.Key}:{p.Value}").Order(StringComparer.Ordinal))}\n");
        return b.ToString();
    }
}
