using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Ledger.Facts;

public sealed partial record EntryFacts
{
    /// <summary>
    /// Derives the facts of <paramref name="entry"/> from the state just <b>before</b> it is applied
    /// (call it before <see cref="LedgerRules.Apply"/>). Pure: reads the state, changes nothing.
    /// </summary>
    public static EntryFacts Describe(LedgerState before, VerifiedCommand verified, Entry entry)
    {
        Command command = verified.Command;
        string actor = command.Header.Actor.ToString();
        bool applied = entry.Outcome == RejectionCode.None;
        var movements = new List<Movement>(1);
        string? subject = null;
        string? reference = null;
        JobFacts? job = null;
        long supplyAfter = before.Supply.Cents;
        long settled = 0;
        long? firstEarned = null, firstEarnedHere = null;
        string? shopNeighbourhood = null, payerArea = null;

        switch (command)
        {
            case GrantRole c:
                subject = c.Account.ToString();
                break;
            case RevokeRole c:
                subject = c.Account.ToString();
                break;
            case MintBudget c:
                reference = c.Budget;
                if (applied)
                {
                    movements.Add(new Movement(MovementKind.Mint, Movement.Issuance, Movement.BudgetPot(c.Budget), c.Amount.Cents));
                    supplyAfter = checked(supplyAfter + c.Amount.Cents);
                }
                break;
            case PublishJob c:
                reference = c.Budget;
                if (applied)
                {
                    job = new JobFacts(c.Job.ToString(), c.Neighbourhood, c.Category, entry.TimestampMs, c.Reward.Cents, c.Slots, c.DeadlineMs, false);
                    movements.Add(new Movement(MovementKind.Reserve, Movement.BudgetPot(c.Budget), Movement.JobPot(c.Job), checked(c.Reward.Cents * c.Slots)));
                }
                else
                {
                    // A rejected publication describes no new job: only the job already on the ledger under that id, if any
                    // (job_exists), never the rejected parameters, which a read model keyed by job id would take for the job's.
                    job = JobOf(before, c.Job);
                }
                break;
            case Enrol c:
                job = JobOf(before, c.Job, firstPickUp: applied && before.Jobs.TryGetValue(c.Job, out var j) && j.Participants.Count == 0);
                break;
            case SubmitCompletion c:
                job = JobOf(before, c.Job);
                break;
            case ApproveCompletion c:
                subject = c.Worker.ToString();
                job = JobOf(before, c.Job);
                if (applied)
                {
                    var approvedJob = before.Jobs[c.Job];
                    var worker = before.Accounts[c.Worker];
                    movements.Add(new Movement(MovementKind.Reward, Movement.JobPot(c.Job), subject, approvedJob.Reward.Cents));
                    firstEarned = worker.FirstEarnedAtMs;
                    firstEarnedHere = worker.FirstEarnedInAtMs(approvedJob.Neighbourhood);
                }
                break;
            case RejectCompletion c:
                subject = c.Worker.ToString();
                job = JobOf(before, c.Job);
                break;
            case CancelJob c:
                job = JobOf(before, c.Job);
                if (applied && before.Jobs[c.Job].Reserve.Cents > 0)
                {
                    var cancelled = before.Jobs[c.Job];
                    movements.Add(new Movement(MovementKind.Release, Movement.JobPot(c.Job), Movement.BudgetPot(cancelled.Budget), cancelled.Reserve.Cents));
                }
                break;
            case Pay c:
                subject = c.Merchant.ToString();
                reference = c.Request?.ToString();
                if (applied)
                {
                    movements.Add(new Movement(MovementKind.Payment, actor, subject, c.Amount.Cents));
                    shopNeighbourhood = before.Accounts[c.Merchant].MerchantNeighbourhood;
                    payerArea = before.Accounts[command.Header.Actor].Area;
                }
                break;
            case Refund c:
                subject = c.Payer.ToString();
                reference = c.Payment.ToString();
                if (applied)
                {
                    movements.Add(new Movement(MovementKind.Refund, actor, subject, c.Amount.Cents));
                    shopNeighbourhood = before.Accounts[command.Header.Actor].MerchantNeighbourhood;
                }
                break;
            case Redeem c:
                if (applied)
                {
                    movements.Add(new Movement(MovementKind.Redemption, actor, Movement.Burnt, c.Amount.Cents));
                    shopNeighbourhood = before.Accounts[command.Header.Actor].MerchantNeighbourhood;
                    supplyAfter = checked(supplyAfter - c.Amount.Cents);
                }
                break;
            case SettleRedemption c:
                subject = c.Merchant.ToString();
                reference = c.Redemption.ToString();
                if (applied) settled = before.RedemptionsById[(c.Merchant, c.Redemption)].Amount.Cents;
                break;
            case AdmitMerchant c:
                subject = c.Merchant.ToString();
                break;
            case SuspendMerchant c:
                subject = c.Merchant.ToString();
                break;
            case RotateKey c:
                subject = c.Account.ToString();
                break;
            case FreezeAccount c:
                subject = c.Account.ToString();
                break;
            case SetSpendingLimit c:
                subject = c.Account.ToString();
                reference = c.DailyLimit.Cents.ToString(System.Globalization.CultureInfo.InvariantCulture); // the limit, for history lines
                break;
            case OpenCampaign c:
                reference = c.Campaign.ToString();
                break;
            case FundCampaign c:
                reference = c.Campaign.ToString();
                if (applied)
                    movements.Add(new Movement(MovementKind.CampaignFunding, Movement.BudgetPot(before.Campaigns[c.Campaign].Budget), Movement.CampaignPot(c.Campaign), c.Amount.Cents));
                break;
            case RedeemReward c:
                // The campaign only: never the serial or signature, which stay in the entry for the auditor.
                reference = c.Campaign.ToString();
                if (applied)
                    movements.Add(new Movement(MovementKind.ParticipationReward, Movement.CampaignPot(c.Campaign), actor, before.Campaigns[c.Campaign].Reward.Cents));
                break;
            case CloseCampaign c:
                reference = c.Campaign.ToString();
                if (applied && before.Campaigns[c.Campaign].Funds.Cents > 0)
                {
                    var closed = before.Campaigns[c.Campaign];
                    movements.Add(new Movement(MovementKind.CampaignRelease, Movement.CampaignPot(c.Campaign), Movement.BudgetPot(closed.Budget), closed.Funds.Cents));
                }
                break;
        }

        return new EntryFacts
        {
            Height = entry.Height,
            TimestampMs = entry.TimestampMs,
            Command = command.Type,
            Outcome = entry.Outcome,
            Actor = actor,
            CommandId = command.Header.Id.ToString(),
            Movements = [.. movements],
            Subject = subject,
            Job = job,
            Reference = reference,
            SettledCents = settled,
            FirstEarnedAtMs = firstEarned,
            FirstEarnedHereAtMs = firstEarnedHere,
            ShopNeighbourhood = shopNeighbourhood,
            PayerArea = payerArea,
            SupplyAfterCents = supplyAfter,
        };
    }

    private static JobFacts? JobOf(LedgerState before, JobId id, bool firstPickUp = false) =>
        before.Jobs.TryGetValue(id, out var j)
            ? new JobFacts(id.ToString(), j.Neighbourhood, j.Category, j.PublishedAtMs, j.Reward.Cents, j.Slots, j.DeadlineMs, firstPickUp)
            : null;
}
