using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Heerlen.Munt.Storage.Projections;
using Marten;
using StoredBalance = Heerlen.Munt.Storage.Projections.Balance;
using StoredLine = Heerlen.Munt.Storage.Projections.HistoryLine;

namespace Heerlen.Munt.Server.Services;

/// <summary>An account's own view (service <c>heerlen.munt.v1.Wallet</c>): only with a session of that account.</summary>
public sealed class WalletApi(MuntRuntime runtime, Sessions sessions, TimeProvider time) : Wallet.WalletBase
{
    /// <inheritdoc />
    public override Task<Account> GetAccount(GetAccountRequest request, ServerCallContext context)
    {
        var id = sessions.RequireSelfOr(context, request.Account, Roles.Officer | Roles.Issuer);
        var account = runtime.View.Account(id) ?? throw ApiErrors.Error("account_not_found", Languages.Of(context));
        var reply = new Account
        {
            Account_ = id.ToString(),
            CurrentKey = Convert.ToHexStringLower(account.CurrentKey.Span),
            Frozen = account.Frozen,
            MerchantSuspended = account.MerchantSuspended,
            DailyLimitCents = account.Limit?.Limit.Daily.Cents ?? 0,
            SpentTodayCents = account.Limit?.SpentCents(time.GetUtcNow().ToUnixTimeMilliseconds()) ?? 0,
        };
        reply.Roles.AddRange(Wire.RoleNames(account.Roles));
        return Task.FromResult(reply);
    }

    /// <inheritdoc />
    public override async Task<Contracts.V1.Balance> GetBalance(GetBalanceRequest request, ServerCallContext context)
    {
        var id = sessions.RequireSelf(context, request.Account);
        await using var session = runtime.Documents.QuerySession();
        var balance = await session.LoadAsync<StoredBalance>(id.ToString(), context.CancellationToken);
        return new Contracts.V1.Balance { Account = id.ToString(), BalanceCents = balance?.Cents ?? 0, AsOfHeight = balance?.Height ?? -1 };
    }

    /// <inheritdoc />
    public override async Task<History> GetHistory(GetHistoryRequest request, ServerCallContext context)
    {
        var id = sessions.RequireSelf(context, request.Account);
        var language = Languages.Of(context);
        int size = Wire.PageSize(context, request.PageSize, 20, 200);
        string account = id.ToString();
        long before = request.BeforeHeight > 0 ? request.BeforeHeight : long.MaxValue;
        await using var session = runtime.Documents.QuerySession();
        var lines = await session.Query<StoredLine>()
            .Where(l => l.Account == account && l.Height < before)
            .OrderByDescending(l => l.Height)
            .Take(size + 1)
            .ToListAsync(context.CancellationToken);
        var reply = new History { Account = account, AsOfHeight = await runtime.Chain.ReadModelHeightAsync(HistoryProjection.Name, context.CancellationToken) };
        var page = lines.Take(size).ToList();
        var texts = await runtime.JobTexts.FindManyAsync(page.Where(l => l.Job is not null).Select(l => l.Job!), context.CancellationToken);
        foreach (var line in page) reply.Lines.Add(ToLine(line, language, JobWords.Title(line.Job is null ? null : texts.GetValueOrDefault(line.Job), language)));
        reply.NextBeforeHeight = lines.Count > size ? lines[size - 1].Height : 0;
        return reply;
    }

    private static Contracts.V1.HistoryLine ToLine(StoredLine l, Language language, string jobTitle) => new()
    {
        Height = l.Height,
        TimestampMs = l.TimestampMs,
        Command = l.Command.ToString(),
        Outcome = Rejections.Code(l.Outcome),
        Mine = l.Mine,
        AmountCents = l.AmountCents,
        Counterparty = l.Counterparty ?? "",
        Job = l.Job ?? "",
        JobCategory = l.JobCategory ?? "",
        JobNeighbourhood = l.JobNeighbourhood ?? "",
        Reference = l.Reference ?? "",
        Description = HistoryWords.Describe(l, language, jobTitle),
    };
}

/// <summary>One history line in words a person understands.</summary>
public static class HistoryWords
{
    /// <summary>
    /// E.g. "Je kreeg HM 15,00 voor een klus (straatmeubilair, gms)." or "You paid HM 4,50 at a shop."; with the job's
    /// <paramref name="jobTitle"/> (off-chain, may be empty) a reward reads "Je kreeg HM 15,00 voor 'Bankje schilderen'.".
    /// </summary>
    public static string Describe(StoredLine l, Language language, string jobTitle = "")
    {
        bool nl = language == Language.Dutch;
        string amount = new Amount(Math.Abs(l.AmountCents)).Format(language);
        string job = l.JobCategory is null ? "" : $" ({l.JobCategory}, {l.JobNeighbourhood})";
        if (l.Outcome != RejectionCode.None)
            return nl ? $"Niet gelukt: {Rejections.Reason(l.Outcome, language)}" : $"Did not work: {Rejections.Reason(l.Outcome, language)}";
        return l.Command switch
        {
            CommandType.ApproveCompletion when l.AmountCents > 0 && jobTitle.Length > 0 => nl ? $"Je kreeg {amount} voor '{jobTitle}'." : $"You got {amount} for '{jobTitle}'.",
            CommandType.ApproveCompletion when l.AmountCents > 0 => nl ? $"Je kreeg {amount} voor een klus{job}." : $"You got {amount} for a job{job}.",
            CommandType.ApproveCompletion => nl ? $"Je keurde een klus goed{job}." : $"You approved a job{job}.",
            CommandType.Pay when l.AmountCents < 0 => nl ? $"Je betaalde {amount} bij een winkel." : $"You paid {amount} at a shop.",
            CommandType.Pay => nl ? $"Je kreeg een betaling van {amount}." : $"You received a payment of {amount}.",
            CommandType.Refund when l.AmountCents > 0 => nl ? $"Je kreeg {amount} terug van een winkel." : $"A shop paid you back {amount}.",
            CommandType.Refund => nl ? $"Je betaalde {amount} terug." : $"You paid back {amount}.",
            CommandType.Redeem => nl ? $"Je wisselde {amount} in voor euro's." : $"You exchanged {amount} for euros.",
            CommandType.SettleRedemption => nl ? "Je inwisseling is uitbetaald." : "Your exchange was paid out.",
            CommandType.Enrol => nl ? $"Je schreef je in voor een klus{job}." : $"You signed up for a job{job}.",
            CommandType.SubmitCompletion => nl ? $"Je meldde een klus als klaar{job}." : $"You reported a job as done{job}.",
            CommandType.RejectCompletion => nl ? $"Een klus werd afgekeurd{job}." : $"A job was rejected{job}.",
            CommandType.OpenAccount => nl ? "Je account werd geopend." : "Your account was opened.",
            CommandType.PublishJob => nl ? $"Je plaatste een klus{job}." : $"You published a job{job}.",
            CommandType.MintBudget => nl ? "Je maakte budget aan." : "You created budget.",
            CommandType.SetSpendingLimit => LimitWords(l, nl, language),
            // Never the campaign's name: for a sensitive campaign even this line must not say what it was about.
            CommandType.RedeemReward => nl ? $"Je kreeg {amount} als beloning voor meedoen." : $"You got {amount} as a reward for taking part.",
            CommandType.OpenCampaign => nl ? "Je opende een actie." : "You opened a campaign.",
            CommandType.FundCampaign => nl ? $"Je zette {amount} in een actie." : $"You put {amount} into a campaign.",
            CommandType.CloseCampaign => nl ? "Je sloot een actie." : "You closed a campaign.",
            _ => nl ? $"{l.Command}." : $"{l.Command}.",
        };
    }

    // The facts carry the new limit in cents as the line's reference (EntryFacts.Reference).
    private static string LimitWords(StoredLine l, bool nl, Language language)
    {
        long cents = long.TryParse(l.Reference, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long c) ? c : 0;
        string limit = new Amount(cents).Format(language);
        if (l.Mine)
            return cents == 0
                ? nl ? "Je haalde een daglimiet weg." : "You removed a daily limit."
                : nl ? $"Je zette een daglimiet van {limit}." : $"You set a daily limit of {limit}.";
        return cents == 0
            ? nl ? "Je daglimiet is weggehaald." : "Your daily limit was removed."
            : nl ? $"Je daglimiet is nu {limit} per dag." : $"Your daily limit is now {limit} a day.";
    }
}
