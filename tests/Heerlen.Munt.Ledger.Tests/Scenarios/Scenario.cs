using System.Globalization;
using System.Text;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

/// <summary>
/// Base of every scenario class: a fresh <see cref="Community"/> per test, helpers that submit a command
/// and check how the ledger answered, and, after each test, a full verification of the chain.
/// </summary>
public abstract class Scenario : IDisposable
{
    protected Scenario(bool established = true) => Community = new Community(established);

    protected Community Community { get; }

    protected LedgerState State => Community.State;

    protected LedgerEngine Engine => Community.Engine;

    protected SigningKey Issuer => Community.Issuer;

    protected SigningKey Officer1 => Community.Officer1;

    protected SigningKey Officer2 => Community.Officer2;

    protected const string Budget = Community.Budget;

    protected static Amount HM(long euros, int cents = 0) => Amount.FromEuros(euros, cents);

    protected CommandHeader Header(SigningKey actor, CommandId? id = null, long? expiresAtMs = null, AccountId? account = null) =>
        Community.Header(actor, id, expiresAtMs, account);

    protected SubmitResult Submit(Command command, SigningKey key, SigningKey? cosigner = null, AccountId? actorAccount = null) =>
        Community.Submit(command, key, cosigner, actorAccount);

    protected static byte[] Envelope(Command command, SigningKey key, SigningKey? cosigner = null, AccountId? actorAccount = null) =>
        SignedCommand.Create(command, key, cosigner, actorAccount: actorAccount).Envelope;

    protected SubmitResult SubmitBytes(byte[] envelope) => Engine.Submit(envelope, Community.NowMs);

    protected AccountState Account(SigningKey key) => State.Accounts[key.PublicKey];

    protected Amount BalanceOf(SigningKey key) => State.BalanceOf(key.PublicKey);

    /// <summary>Submits a command that must be applied as a new entry at the head.</summary>
    protected SubmitResult Applied(Command command, SigningKey key, SigningKey? cosigner = null, AccountId? actorAccount = null)
    {
        long height = State.NextHeight;
        SubmitResult result = Submit(command, key, cosigner, actorAccount);
        Assert.True(result.Applied, $"expected the command to be applied, got {Rejections.Code(result.Code)} {result.Detail}");
        Assert.False(result.IsRetry);
        Assert.Equal(height, result.Height);
        Assert.NotNull(result.EntryHash);
        Assert.Equal(height + 1, State.NextHeight);
        Assert.Equal(RejectionCode.None, Engine.Entries[^1].Outcome);
        if (command is not EstablishChain)
            Assert.Equal(new CommandRecord(SignedDigest(command), height, RejectionCode.None), State.FindCommand(command.Header.Actor, command.Header.Id));
        State.CheckInvariants();
        return result;
    }

    /// <summary>Submits a command that must be rejected with <paramref name="expected"/> and recorded, changing nothing else.</summary>
    protected SubmitResult Rejected(RejectionCode expected, Command command, SigningKey key, SigningKey? cosigner = null, AccountId? actorAccount = null)
    {
        SubmitResult result = RejectedBy(expected, () => Submit(command, key, cosigner, actorAccount));
        Assert.Equal(new CommandRecord(SignedDigest(command), result.Height, expected), State.FindCommand(command.Header.Actor, command.Header.Id));
        return result;
    }

    /// <summary>Runs <paramref name="submit"/>, which must produce a recorded rejection: a new entry, no other change.</summary>
    protected SubmitResult RejectedBy(RejectionCode expected, Func<SubmitResult> submit)
    {
        Assert.True((ushort)expected >= 100, $"{expected} is not a recorded rejection");
        long height = State.NextHeight;
        string before = Snapshot.Of(State);
        SubmitResult result = submit();
        Assert.True(result.Code == expected, $"expected {Rejections.Code(expected)}, got {Rejections.Code(result.Code)} {result.Detail}");
        Assert.False(result.IsRetry);
        Assert.True(result.Height >= 0);
        Assert.Equal(height, result.Height);
        Assert.NotNull(result.EntryHash);
        Assert.Equal(height + 1, State.NextHeight);
        Assert.Equal(expected, Engine.Entries[^1].Outcome);
        Assert.Equal(before, Snapshot.Of(State));
        State.CheckInvariants();
        return result;
    }

    /// <summary>Runs <paramref name="submit"/>, which must produce a refusal: nothing written, nothing changed.</summary>
    protected SubmitResult Refused(RejectionCode expected, Func<SubmitResult> submit)
    {
        Assert.True(Rejections.IsRefusal(expected), $"{expected} is not a refusal");
        long height = State.NextHeight;
        int entries = Engine.Entries.Count;
        Hash32 head = State.HeadHash;
        string before = Snapshot.Of(State);
        SubmitResult result = submit();
        Assert.True(result.Code == expected, $"expected {Rejections.Code(expected)}, got {Rejections.Code(result.Code)} {result.Detail}");
        Assert.Equal(-1, result.Height);
        Assert.Null(result.EntryHash);
        Assert.False(result.IsRetry);
        Assert.Equal(height, State.NextHeight);
        Assert.Equal(entries, Engine.Entries.Count);
        Assert.Equal(head, State.HeadHash);
        Assert.Equal(before, Snapshot.Of(State));
        return result;
    }

    protected SubmitResult Refused(RejectionCode expected, byte[] envelope) => Refused(expected, () => SubmitBytes(envelope));

    private static Hash32 SignedDigest(Command command) => CommandCodec.SigningDigest(CommandCodec.Encode(command));

    public void Dispose()
    {
        VerificationReport report = Community.Verify();
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(State.NextHeight, report.EntriesVerified);
        Assert.Equal(Snapshot.Of(State), Snapshot.Of(report.State));
        State.CheckInvariants();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A text picture of everything in the state that money, roles and jobs depend on (not the command log).</summary>
internal static class Snapshot
{
    public static string Of(LedgerState s)
    {
        var b = new StringBuilder();
        Line(b, $"established {s.IsEstablished} issuer {s.Issuer} operator {s.OperatorKey} threshold {s.MintCosignThreshold}");
        Line(b, $"minted {s.Minted} redeemed {s.Redeemed} reserved {s.Reserved} supply {s.Supply}");
        foreach (var (id, a) in s.Accounts.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal))
            Line(b, $"account {id} key {a.CurrentKey} roles {a.Roles} balance {a.Balance} frozen {a.Frozen} suspended {a.MerchantSuspended}");
        foreach (var (id, amount) in s.Budgets.OrderBy(p => p.Key, StringComparer.Ordinal))
            Line(b, $"budget {id} {amount}");
        foreach (var (id, j) in s.Jobs.OrderBy(p => p.Key.Value))
        {
            Line(b, $"job {id} open {j.Open} reserve {j.Reserve} taken {j.Taken} paid {j.Paid} slots {j.Slots} reward {j.Reward}");
            foreach (var (worker, e) in j.Participants.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal))
                Line(b, $"  {worker} {e.Status} {e.Evidence} {e.RejectionReason}");
        }
        foreach (var (key, p) in s.Payments.OrderBy(p => p.Key.Payer.ToString(), StringComparer.Ordinal).ThenBy(p => p.Key.Id.Value))
            Line(b, $"payment {key.Payer} {key.Id} to {p.Merchant} {p.Amount} refunded {p.Refunded}");
        foreach (var (key, r) in s.RedemptionsById.OrderBy(p => p.Key.Merchant.ToString(), StringComparer.Ordinal).ThenBy(p => p.Key.Id.Value))
            Line(b, $"redemption {key.Merchant} {key.Id} {r.Amount} bank {r.BankReference}");
        foreach (var (id, l) in s.SpendingLimits.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal))
            Line(b, $"limit {id} daily {l.Daily} day {l.Day} spent {l.SpentOnDay}");
        Line(b, $"campaign funds {s.CampaignFunds}");
        foreach (var (id, c) in s.Campaigns.OrderBy(p => p.Key.Value))
        {
            Line(b, $"campaign {id} module {c.Module} budget {c.Budget} reward {c.Reward} window {c.OpensAtMs}-{c.ClosesAtMs} scope {c.Scope} {c.Area} cap {c.PerPersonCap} sensitive {c.Sensitive} name {c.Name}");
            Line(b, $"  funds {c.Funds} funded {c.Funded} paid {c.Paid} closed {c.Closed} key {c.Key.KeyId}");
            foreach (var (account, n) in c.RewardsByAccount.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal)) Line(b, $"  rewarded {account} {n}");
            foreach (var serial in c.Spent.Select(x => x.ToHash32().ToString()).Order(StringComparer.Ordinal)) Line(b, $"  spent {serial}");
        }
        return b.ToString();
    }

    private static void Line(StringBuilder b, string text) => b.Append(CultureInfo.InvariantCulture, $"{text}\n");
}
