using System.Text.Json.Nodes;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Cli;

// Commands of municipal officers and the issuer: budgets, jobs, decisions, shops, roles, accounts, redemptions.
internal static partial class Commands
{
    private static readonly Dictionary<string, Roles> RoleNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["issuer"] = Roles.Issuer,
        ["officer"] = Roles.Officer,
        ["merchant"] = Roles.Merchant,
        ["resident"] = Roles.Resident,
        ["module"] = Roles.Module,
        ["auditor"] = Roles.Auditor,
    };

    private static readonly Dictionary<string, CompletionRejectionReason> ReasonNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["evidence-unclear"] = CompletionRejectionReason.EvidenceUnclear,
        ["work-not-done"] = CompletionRejectionReason.WorkNotDone,
        ["wrong-location"] = CompletionRejectionReason.WrongLocation,
        ["quality-insufficient"] = CompletionRejectionReason.QualityInsufficient,
        ["unsafe"] = CompletionRejectionReason.Unsafe,
    };

    private static async Task MintAsync(Invocation run)
    {
        var words = run.Words(2);
        string budget = Invocation.ParseSlug(words[0], "BUDGET");
        var amount = Invocation.ParseAmount(words[1]);
        var cosigner = run.Identities.Cosigner(run.Args);
        var done = await run.Actor.MintBudgetAsync(budget, amount, cosigner, run.Ct);
        string with = cosigner is null ? "" : run.T($", meegetekend door {cosigner.Account}", $", cosigned by {cosigner.Account}");
        run.Done(done, run.T($"{run.Money(amount.Cents)} gemaakt in budget {budget}{with}.", $"Minted {run.Money(amount.Cents)} into budget {budget}{with}."),
            new JsonObject { ["budget"] = budget, ["amountCents"] = amount.Cents });
    }

    private static async Task PublishAsync(Invocation run)
    {
        run.Words(0);
        string budget = Invocation.ParseSlug(run.Required("--budget"), "--budget");
        string category = Invocation.ParseSlug(run.Required("--category"), "--category");
        string neighbourhood = Invocation.ParseSlug(run.Required("--neighbourhood"), "--neighbourhood");
        var reward = Invocation.ParseAmount(run.Required("--reward"));
        ushort slots = (ushort)Invocation.ParseNumber(run.Required("--slots"), "--slots", 1, ushort.MaxValue);
        int days = Invocation.ParseNumber(run.Required("--days"), "--days", 1, 366);
        var actor = run.Actor;
        await run.Client.ChainInfoAsync(ct: run.Ct); // sets the server clock the deadline is counted from
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(run.Client.ServerNowMs).AddDays(days);
        var (job, done) = await actor.PublishJobAsync(budget, category, neighbourhood, reward, slots, deadline, run.Ct);
        if (run.Args.Option("--title") is { } title)
        {
            // Off the chain: the words people read on the board (the job is on the chain now, so it can be named).
            await actor.ReadAsync(o => run.Client.Jobs.SetJobTextAsync(new SetJobTextRequest
            {
                Job = job.ToString(),
                Title = title,
                Description = run.Args.Option("--description") ?? "",
                TitleEn = run.Args.Option("--title-en") ?? "",
                DescriptionEn = run.Args.Option("--description-en") ?? "",
            }, o), run.Ct);
        }
        run.Done(done, run.T(
            $"Klus {job} gepubliceerd: {category} in {neighbourhood}, {run.Money(reward.Cents)} per plek, {slots} plek(ken), tot {Invocation.Time(deadline.ToUnixTimeMilliseconds())}.",
            $"Job {job} published: {category} in {neighbourhood}, {run.Money(reward.Cents)} per slot, {slots} slot(s), until {Invocation.Time(deadline.ToUnixTimeMilliseconds())}."),
            new JsonObject { ["job"] = job.ToString(), ["deadlineMs"] = deadline.ToUnixTimeMilliseconds() });
    }

    private static async Task CompletionsAsync(Invocation run)
    {
        run.Words(0);
        string status = (run.Args.Option("--status") ?? "submitted").ToLowerInvariant();
        if (status is not ("submitted" or "enrolled" or "approved" or "rejected"))
            throw new UsageException($"--status is submitted, enrolled, approved of rejected, niet '{status}'", $"--status is submitted, enrolled, approved or rejected, not '{status}'");
        var reply = await run.Actor.ReadAsync(o => run.Client.Jobs.ListCompletionsAsync(new ListCompletionsRequest { Status = status, PageSize = 500 }, o), run.Ct);
        if (run.Json) run.Print(reply);
        else WorkTable(run, reply.Work, run.T("Er wacht niets op een besluit.", "Nothing is waiting for a decision."));
    }

    private static async Task ApproveAsync(Invocation run)
    {
        var words = run.Words(2);
        var (job, worker) = (Invocation.ParseJob(words[0]), run.ParseAccount(words[1]));
        var done = await run.Actor.ApproveAsync(job, worker, run.Ct);
        run.Done(done, run.T($"Goedgekeurd: klus {job}, werker {worker}. De beloning is betaald.", $"Approved: job {job}, worker {worker}. The reward has been paid."), Subject(job, worker));
    }

    private static async Task RejectAsync(Invocation run)
    {
        var words = run.Words(3);
        var (job, worker) = (Invocation.ParseJob(words[0]), run.ParseAccount(words[1]));
        if (!ReasonNames.TryGetValue(words[2].Replace('_', '-'), out var reason))
            throw new UsageException($"REASON is één van {string.Join(", ", ReasonNames.Keys)}", $"REASON is one of {string.Join(", ", ReasonNames.Keys)}");
        var done = await run.Actor.RejectAsync(job, worker, reason, run.Ct);
        var json = Subject(job, worker);
        json["reason"] = words[2].ToLowerInvariant();
        run.Done(done, run.T($"Afgekeurd: klus {job}, werker {worker}, reden {words[2]}.", $"Rejected: job {job}, worker {worker}, reason {words[2]}."), json);
    }

    private static JsonObject Subject(JobId job, AccountId worker) => new() { ["job"] = job.ToString(), ["worker"] = worker.ToString() };

    private static async Task CancelAsync(Invocation run)
    {
        var job = Invocation.ParseJob(run.Words(1)[0]);
        var done = await run.Actor.CancelJobAsync(job, run.Ct);
        run.Done(done, run.T($"Klus {job} is gestopt; wat nog gereserveerd was, gaat terug naar het budget.", $"Job {job} is cancelled; what was still reserved returns to the budget."), new JsonObject { ["job"] = job.ToString() });
    }

    private static async Task AdmitAsync(Invocation run)
    {
        var account = run.ParseAccount(run.Words(1)[0]);
        string neighbourhood = Invocation.ParseSlug(run.Required("--neighbourhood"), "--neighbourhood");
        var done = await run.Actor.AdmitMerchantAsync(account, neighbourhood, run.Ct);
        run.Done(
            done,
            run.T($"Winkel {account} in {neighbourhood} doet nu mee.", $"Shop {account} in {neighbourhood} is admitted."),
            new JsonObject { ["account"] = account.ToString(), ["neighbourhood"] = neighbourhood });
    }

    private static Task SuspendAsync(Invocation run) =>
        OnAccountAsync(run, (a, ct) => run.Actor.SuspendMerchantAsync(a, ct), "Winkel {0} is geschorst.", "Shop {0} is suspended.");

    private static Task FreezeAsync(Invocation run) =>
        OnAccountAsync(run, (a, ct) => run.Actor.FreezeAsync(a, true, ct), "Account {0} is bevroren.", "Account {0} is frozen.");

    private static Task UnfreezeAsync(Invocation run) =>
        OnAccountAsync(run, (a, ct) => run.Actor.FreezeAsync(a, false, ct), "Account {0} is weer vrij.", "Account {0} is unfrozen.");

    private static async Task SetLimitAsync(Invocation run)
    {
        var words = run.Words(2);
        var account = run.ParseAccount(words[0]);
        bool none = words[1] is "none" or "geen" or "0";
        var limit = none ? Amount.Zero : Invocation.ParseAmount(words[1]);
        var done = await run.Actor.SetSpendingLimitAsync(account, limit, run.Ct);
        run.Done(
            done,
            none
                ? run.T($"Account {account} heeft geen daglimiet meer.", $"Account {account} no longer has a daily limit.")
                : run.T($"Account {account} mag nu hoogstens {run.Money(limit.Cents)} per dag betalen.", $"Account {account} may now pay at most {run.Money(limit.Cents)} a day."),
            new JsonObject { ["account"] = account.ToString(), ["dailyLimitCents"] = limit.Cents });
    }

    /// <summary>A command about one account: ACCOUNT is the only word.</summary>
    private static async Task OnAccountAsync(Invocation run, Func<AccountId, CancellationToken, Task<Submitted>> act, string dutch, string english)
    {
        var account = run.ParseAccount(run.Words(1)[0]);
        var done = await act(account, run.Ct);
        run.Done(done, string.Format(System.Globalization.CultureInfo.InvariantCulture, run.T(dutch, english), account), new JsonObject { ["account"] = account.ToString() });
    }

    private static Task GrantAsync(Invocation run) =>
        OnRoleAsync(run, (a, r, ct) => run.Actor.GrantRoleAsync(a, r, ct), "Account {0} heeft nu de rol {1}.", "Account {0} now has the role {1}.");

    private static Task RevokeAsync(Invocation run) =>
        OnRoleAsync(run, (a, r, ct) => run.Actor.RevokeRoleAsync(a, r, ct), "Account {0} heeft de rol {1} niet meer.", "Account {0} no longer has the role {1}.");

    private static async Task OnRoleAsync(Invocation run, Func<AccountId, Roles, CancellationToken, Task<Submitted>> act, string dutch, string english)
    {
        var words = run.Words(2);
        var account = run.ParseAccount(words[0]);
        if (!RoleNames.TryGetValue(words[1], out var role))
            throw new UsageException($"ROLE is één van {string.Join(", ", RoleNames.Keys)}", $"ROLE is one of {string.Join(", ", RoleNames.Keys)}");
        var done = await act(account, role, run.Ct);
        string name = words[1].ToLowerInvariant();
        run.Done(done, string.Format(System.Globalization.CultureInfo.InvariantCulture, run.T(dutch, english), account, name), new JsonObject { ["account"] = account.ToString(), ["role"] = name });
    }

    private static async Task SettleAsync(Invocation run)
    {
        var words = run.Words(3);
        var merchant = run.ParseAccount(words[0]);
        var redemption = Invocation.ParseCommandId(words[1], "REDEMPTION_ID");
        string reference = words[2];
        if (!FieldRules.IsBankReference(reference))
            throw new UsageException("BANKREF is 1 tot 35 gewone tekens (zoals een SEPA-kenmerk)", "BANKREF is 1 to 35 printable ASCII characters (like a SEPA end-to-end id)");
        var done = await run.Actor.SettleRedemptionAsync(merchant, redemption, reference, run.Ct);
        run.Done(done, run.T($"Uitbetaling vastgelegd: inwisseling {redemption} van {merchant}, overschrijving {reference}.", $"Settled: redemption {redemption} of {merchant}, bank transfer {reference}."),
            new JsonObject { ["merchant"] = merchant.ToString(), ["redemption"] = redemption.ToString(), ["bankReference"] = reference });
    }
}
