using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger;

public static partial class LedgerRules
{
    /// <summary>
    /// Applies an entry whose command was decided as recorded in <see cref="Entry.Outcome"/>: moves the money
    /// (double entry: every debit has its credit), remembers the command id, and moves the head.
    /// Asserts the invariants it touches; a violation is a bug and throws.
    /// </summary>
    public static void Apply(LedgerState state, VerifiedCommand verified, Entry entry)
    {
        Ensure.That(entry.Height == state.NextHeight);
        Ensure.That(entry.PreviousHash == state.HeadHash);
        Ensure.That(entry.TimestampMs >= state.LastTimestampMs);
        Command command = verified.Command;
        if (entry.Outcome == RejectionCode.None) ApplyEffects(state, verified.Signed, entry.TimestampMs);
        // The actor's id instance the state already holds, not the decoded command's own copy of those 32 bytes.
        var actor = state.AccountsById.TryGetValue(command.Header.Actor, out var account) ? account.Id : command.Header.Actor;
        state.Commands.Add(new CommandKey(actor, command.Header.Id), new StoredCommand(verified.Signed.Digest, entry.Height, entry.Outcome));
        state.NextHeight = entry.Height + 1;
        state.HeadHash = entry.Hash;
        state.LastTimestampMs = entry.TimestampMs;
    }

    private static void ApplyEffects(LedgerState state, SignedCommand signed, long timestampMs)
    {
        Command command = signed.Command;
        AccountId actorId = command.Header.Actor;
        switch (command)
        {
            case EstablishChain c:
                state.IsEstablished = true;
                state.Issuer = actorId;
                state.OperatorKey = c.OperatorKey;
                state.MintCosignThreshold = c.MintCosignThreshold;
                AddAccount(state, actorId, Roles.Issuer);
                break;
            case OpenAccount:
                AddAccount(state, actorId, Roles.Resident);
                break;
            case GrantRole c:
                state.AccountsById[c.Account].Roles |= c.Role;
                break;
            case RevokeRole c:
                state.AccountsById[c.Account].Roles &= ~c.Role;
                break;
            case MintBudget c:
                string budget = state.Shared(c.Budget);
                state.BudgetsById[budget] = state.BudgetsById.GetValueOrDefault(budget) + c.Amount;
                state.Minted += c.Amount;
                break;
            case PublishJob c:
                ApplyPublish(state, c, timestampMs);
                break;
            case Enrol c:
                ApplyEnrol(state.JobsById[c.Job], state.AccountsById[actorId].Id); // the state's own id instance, not a copy
                break;
            case SubmitCompletion c:
                var submitted = state.JobsById[c.Job].Enrolments[actorId];
                submitted.Status = EnrolmentStatus.Submitted;
                submitted.Evidence = c.EvidenceHash;
                break;
            case ApproveCompletion c:
                ApplyApprove(state, state.JobsById[c.Job], c.Worker, timestampMs);
                break;
            case RejectCompletion c:
                var rejected = state.JobsById[c.Job];
                rejected.Enrolments[c.Worker].Status = EnrolmentStatus.Rejected;
                rejected.Enrolments[c.Worker].RejectionReason = c.Reason;
                rejected.Taken--;
                Ensure.That(rejected.Taken >= rejected.Paid);
                break;
            case CancelJob c:
                ApplyCancel(state, state.JobsById[c.Job]);
                break;
            default:
                ApplyMoneyOrAdmin(state, signed, timestampMs);
                break;
        }
    }

    private static void ApplyMoneyOrAdmin(LedgerState state, SignedCommand signed, long timestampMs)
    {
        Command command = signed.Command;
        AccountState actor = state.AccountsById[command.Header.Actor];
        switch (command)
        {
            case Pay c:
                var merchant = state.AccountsById[c.Merchant];
                Transfer(actor, merchant, c.Amount);
                state.Payments.Add((actor.Id, command.Header.Id), new PaymentRecord(merchant.Id, c.Amount)); // the state's id instances
                NoteSpending(state, actor.Id, c.Amount, timestampMs);
                break;
            case Refund c:
                var payment = state.Payments[(c.Payer, c.Payment)];
                Transfer(actor, state.AccountsById[c.Payer], c.Amount);
                payment.Refunded += c.Amount;
                Ensure.That(payment.Refunded <= payment.Amount);
                break;
            case Redeem c:
                Debit(actor, c.Amount);
                state.Redeemed += c.Amount;
                state.Redemptions.Add((actor.Id, command.Header.Id), new RedemptionRecord(c.Amount));
                break;
            case SettleRedemption c:
                state.Redemptions[(c.Merchant, c.Redemption)].BankReference = c.BankReference;
                break;
            case AdmitMerchant c:
                state.AccountsById[c.Merchant].Roles |= Roles.Merchant;
                state.AccountsById[c.Merchant].MerchantSuspended = false;
                state.AccountsById[c.Merchant].MerchantNeighbourhood = state.Shared(c.Neighbourhood);
                break;
            case SuspendMerchant c:
                state.AccountsById[c.Merchant].MerchantSuspended = true;
                break;
            case RotateKey c:
                var account = state.AccountsById[c.Account];
                Ensure.That(c.NewKey != account.Id); // an account id is always in use (DecideRotate)
                if (account.CurrentKey != account.Id) state.RotatedKeys.Remove(account.CurrentKey);
                account.CurrentKey = c.NewKey;
                state.RotatedKeys.Add(c.NewKey, account.Id);
                break;
            case FreezeAccount c:
                state.AccountsById[c.Account].Frozen = c.Frozen;
                break;
            case SetSpendingLimit c:
                ApplySpendingLimit(state, state.AccountsById[c.Account].Id, c.DailyLimit);
                break;
            default:
                ApplyCampaign(state, signed, timestampMs);
                break;
        }
    }

    private static void ApplyCampaign(LedgerState state, SignedCommand signed, long timestampMs)
    {
        Command command = signed.Command;
        AccountState actor = state.AccountsById[command.Header.Actor];
        switch (command)
        {
            case OpenCampaign c:
                Ensure.That(Participation.RewardToken.TryDecodeKey(c.Key, out var key));
                string? area = c.Area is null ? null : state.Shared(c.Area);
                state.CampaignsById.Add(c.Campaign, new CampaignState(c, actor.Id, state.Shared(c.Budget), area, c.Name, key!, timestampMs));
                break;
            case FundCampaign c:
                var funded = state.CampaignsById[c.Campaign];
                Amount left = state.BudgetsById[funded.Budget] - c.Amount;
                Ensure.That(left.Cents >= 0);
                state.BudgetsById[funded.Budget] = left;
                funded.Funds += c.Amount;
                funded.Funded += c.Amount;
                state.CampaignFunds += c.Amount;
                break;
            case RedeemReward c:
                var campaign = state.CampaignsById[c.Campaign];
                Ensure.That(campaign.Spent.Add(CampaignState.TokenKey(actor.Id, c.Serial)));
                campaign.RewardsByAccount[actor.Id] = campaign.RewardsOf(actor.Id) + 1;
                campaign.Funds -= campaign.Reward;
                campaign.Paid++;
                state.CampaignFunds -= campaign.Reward;
                actor.Balance += campaign.Reward;
                Ensure.That(campaign.Funds.Cents >= 0 && campaign.RewardsOf(actor.Id) <= campaign.PerPersonCap);
                break;
            case CloseCampaign c:
                var closed = state.CampaignsById[c.Campaign];
                state.BudgetsById[closed.Budget] += closed.Funds;
                state.CampaignFunds -= closed.Funds;
                closed.Funds = Amount.Zero;
                closed.Closed = true;
                break;
            default:
                throw new InvariantViolationException($"no effect for {command.GetType().Name}");
        }
    }

    /// <summary>
    /// Sets, changes or (zero) removes a limit. A change keeps what was spent today, so lowering a limit at noon counts the
    /// morning's payments; removing it forgets them (a limit set again later that day starts from nothing).
    /// </summary>
    private static void ApplySpendingLimit(LedgerState state, AccountId account, Amount daily)
    {
        var limits = state.SpendingLimitsByAccount;
        if (daily == Amount.Zero) Ensure.That(limits.Remove(account));
        else limits[account] = limits.TryGetValue(account, out var limit) ? limit with { Daily = daily } : new SpendingLimit(daily, 0, Amount.Zero);
    }

    /// <summary>Counts a payment against the payer's day, if the payer has a limit. Refunds never take it back.</summary>
    private static void NoteSpending(LedgerState state, AccountId payer, Amount amount, long timestampMs)
    {
        if (!state.SpendingLimitsByAccount.TryGetValue(payer, out var limit)) return;
        long day = SpendingLimit.DayOf(timestampMs);
        Amount spent = limit.SpentOn(day) + amount;
        Ensure.That(spent <= limit.Daily); // DecidePay's check, asserted on write
        state.SpendingLimitsByAccount[payer] = limit with { Day = day, SpentOnDay = spent };
    }

    private static void AddAccount(LedgerState state, AccountId id, Roles roles)
    {
        state.AccountsById.Add(id, new AccountState(id, roles));
    }

    private static void ApplyPublish(LedgerState state, PublishJob c, long timestampMs)
    {
        Amount total = c.Reward * c.Slots;
        Amount left = state.BudgetsById[c.Budget] - total;
        Ensure.That(left.Cents >= 0);
        state.BudgetsById[c.Budget] = left;
        var publisher = state.AccountsById[c.Header.Actor].Id;
        var job = new JobState(c, publisher, state.Shared(c.Budget), state.Shared(c.Category), state.Shared(c.Neighbourhood), timestampMs) { Reserve = total };
        state.JobsById.Add(c.Job, job);
        state.Reserved += total;
    }

    private static void ApplyEnrol(JobState job, AccountId worker)
    {
        job.Enrolments[worker] = new Enrolment { Status = EnrolmentStatus.Enrolled };
        job.Taken++;
        Ensure.That(job.Taken <= job.Slots);
    }

    private static void ApplyApprove(LedgerState state, JobState job, AccountId worker, long timestampMs)
    {
        var account = state.AccountsById[worker];
        account.NoteEarning(job.Neighbourhood, timestampMs);
        account.Area = job.Neighbourhood;
        job.Enrolments[worker].Status = EnrolmentStatus.Approved;
        job.Reserve -= job.Reward;
        job.Paid++;
        state.Reserved -= job.Reward;
        account.Balance += job.Reward;
        Ensure.That(job.Reserve.Cents >= 0 && job.Paid <= job.Slots);
    }

    private static void ApplyCancel(LedgerState state, JobState job)
    {
        state.BudgetsById[job.Budget] += job.Reserve;
        state.Reserved -= job.Reserve;
        job.Reserve = Amount.Zero;
        job.Open = false;
    }

    private static void Debit(AccountState account, Amount amount)
    {
        account.Balance -= amount;
        Ensure.That(account.Balance.Cents >= 0);
    }

    private static void Transfer(AccountState from, AccountState to, Amount amount)
    {
        Debit(from, amount);
        to.Balance += amount;
    }
}
