using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Marten;
using Microsoft.Extensions.Options;
using PeriodKind = Heerlen.Munt.Ledger.Facts.PeriodKind;
using StoredFigures = Heerlen.Munt.Ledger.Facts.PeriodFigures;

namespace Heerlen.Munt.Server.Services;

/// <summary>
/// Anonymised figures (service <c>heerlen.munt.v1.Statistics</c>), for auditors and officers: the ledger core's
/// <see cref="StatisticsTable"/> over the statistics projection's documents, so the API withholds exactly what the
/// auditor's offline fold of the chain withholds (docs/statistics.md). k comes from <c>Munt:Statistics:SuppressionThreshold</c>.
/// </summary>
public sealed class StatisticsApi(MuntRuntime runtime, Sessions sessions, IOptions<ServerSettings> settings, TimeProvider time) : Statistics.StatisticsBase
{
    /// <inheritdoc />
    public override async Task<GetFiguresResponse> GetFigures(GetFiguresRequest request, ServerCallContext context)
    {
        sessions.RequireRole(context, Roles.Auditor | Roles.Officer);
        var language = Languages.Of(context);
        var kind = request.PeriodKind switch
        {
            Contracts.V1.PeriodKind.Unspecified or Contracts.V1.PeriodKind.Week => PeriodKind.Week,
            Contracts.V1.PeriodKind.Month => PeriodKind.Month,
            Contracts.V1.PeriodKind.Year => PeriodKind.Year,
            _ => throw ApiErrors.Error("invalid_argument", language, "period_kind is week, month or year"),
        };
        var names = PeriodsAsked(kind, request.FromPeriod, request.ToPeriod, language);
        // The height first, then the documents: the daemon commits documents and progress together, so documents read
        // after it hold at least that height (read the other way round, a fold in between made the table claim a height
        // its documents did not have yet — seen as a flaky test).
        long asOf = await runtime.Chain.ReadModelHeightAsync(Storage.Projections.StatisticsProjection.Name, context.CancellationToken);
        await using var session = runtime.Documents.QuerySession();
        // Every area of the periods asked for: suppression must see what a reader could subtract; the area filter comes after.
        var buckets = await session.Query<StoredFigures>().Where(w => names.Contains(w.Period)).ToListAsync(context.CancellationToken);
        var table = StatisticsTable.Build(buckets, kind, settings.Value.Statistics.SuppressionThreshold, asOf);
        if (request.Area.Length > 0) table = table.Where(r => r.Area == request.Area);
        var reply = new GetFiguresResponse
        {
            AsOfHeight = table.AsOfHeight,
            SuppressionThreshold = table.SuppressionThreshold,
            PeriodKind = request.PeriodKind == Contracts.V1.PeriodKind.Unspecified ? Contracts.V1.PeriodKind.Week : request.PeriodKind,
            Csv = table.ToCsv(),
        };
        foreach (var row in table.Rows) reply.Rows.Add(ToMessage(row));
        return reply;
    }

    /// <inheritdoc />
    public override Task<Liabilities> GetLiabilities(GetLiabilitiesRequest request, ServerCallContext context)
    {
        sessions.RequireRole(context, Roles.Officer | Roles.Issuer | Roles.Auditor);
        var t = runtime.View.Merchants.Totals; // one snapshot, one height
        return Task.FromResult(new Liabilities
        {
            AsOfHeight = t.AsOfHeight,
            MintedCents = t.MintedCents,
            RedeemedCents = t.RedeemedCents,
            SupplyCents = t.SupplyCents,
            ResidentBalancesCents = t.ResidentBalancesCents,
            MerchantBalancesCents = t.MerchantBalancesCents,
            BudgetsCents = t.BudgetsCents,
            JobReservesCents = t.JobReservesCents,
            OutstandingRedemptions = t.OutstandingRedemptions,
            OutstandingRedemptionCents = t.OutstandingRedemptionCents,
            CampaignFundsCents = t.CampaignFundsCents,
        });
    }

    /// <summary>One row as its message: a withheld figure, or one without a value, is left unset.</summary>
    public static Contracts.V1.PeriodFigures ToMessage(StatisticsRow row)
    {
        var m = new Contracts.V1.PeriodFigures { Area = row.Area, Period = row.Period };
        void Set(Figure figure, Action<long> set)
        {
            if (row[figure] is { } value) set(value);
        }
        Set(Figure.DistinctEarners, v => m.DistinctEarners = v);
        Set(Figure.NewEarners, v => m.NewEarners = v);
        Set(Figure.RepeatEarners, v => m.RepeatEarners = v);
        Set(Figure.JobsPublished, v => m.JobsPublished = v);
        Set(Figure.JobsTaken, v => m.JobsTaken = v);
        Set(Figure.JobsCompleted, v => m.JobsCompleted = v);
        Set(Figure.JobsRejected, v => m.JobsRejected = v);
        Set(Figure.JobsCancelled, v => m.JobsCancelled = v);
        Set(Figure.MedianHoursToPickUp, v => m.MedianTenthsOfHoursToPickUp = v);
        Set(Figure.MintedCents, v => m.MintedCents = v);
        Set(Figure.PaidCents, v => m.PaidCents = v);
        Set(Figure.SpentCents, v => m.SpentCents = v);
        Set(Figure.RefundedCents, v => m.RefundedCents = v);
        Set(Figure.RedeemedCents, v => m.RedeemedCents = v);
        Set(Figure.ActiveMerchants, v => m.ActiveMerchants = v);
        Set(Figure.SpentByResidentsCents, v => m.SpentByResidentsCents = v);
        Set(Figure.SpentInsideCents, v => m.SpentInsideCents = v);
        Set(Figure.SpendingShareInside, v => m.SpendingShareInsideTenthsOfPct = v);
        Set(Figure.OutstandingCents, v => m.OutstandingCents = v);
        m.Withheld.AddRange(row.Withheld.Select(f => StatisticsColumn.Of(f).Name));
        return m;
    }

    /// <summary>The periods asked for, named one by one so the database selects them by its index.</summary>
    private List<string> PeriodsAsked(PeriodKind kind, string from, string to, Ledger.Language language)
    {
        int most = kind switch { PeriodKind.Week => 520, PeriodKind.Month => 120, _ => 10 };
        string example = kind switch { PeriodKind.Week => "2026-W48", PeriodKind.Month => "2026-11", _ => "2026" };
        if (!TryFirstDay(from, kind, out var first) || !TryFirstDay(to, kind, out var last))
            throw ApiErrors.Error("invalid_argument", language, $"periods of this kind look like {example}");
        var lastDay = last ?? FirstDayOf(kind, DateOnly.FromDateTime(HeerlenCalendar.Local(time.GetUtcNow().ToUnixTimeMilliseconds())));
        var firstDay = first ?? Back(kind, lastDay, most - 1);
        var names = new List<string>();
        for (var day = firstDay; day <= lastDay && names.Count <= most; day = HeerlenCalendar.NextFirstDay(kind, day))
            names.Add(HeerlenCalendar.PeriodOfDay(kind, day));
        if (firstDay > lastDay || names.Count > most)
            throw ApiErrors.Error("invalid_argument", language, $"from_period must not be after to_period, and at most {most} periods at once");
        return names;
    }

    /// <summary>The first day of a period name of the kind; null for empty; false if malformed, another kind, or not a real period.</summary>
    private static bool TryFirstDay(string period, PeriodKind kind, out DateOnly? firstDay)
    {
        firstDay = null;
        if (period.Length == 0) return true;
        if (!HeerlenCalendar.TryFirstDay(period, out var actual, out var day) || actual != kind) return false;
        firstDay = day;
        return true;
    }

    private static DateOnly FirstDayOf(PeriodKind kind, DateOnly day)
    {
        HeerlenCalendar.TryFirstDay(HeerlenCalendar.PeriodOfDay(kind, day), out _, out var first);
        return first;
    }

    private static DateOnly Back(PeriodKind kind, DateOnly firstDay, int periods) => kind switch
    {
        PeriodKind.Week => firstDay.AddDays(-7 * periods),
        PeriodKind.Month => firstDay.AddMonths(-periods),
        _ => firstDay.AddYears(-periods),
    };
}
