using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Marten;
using StoredWeek = Heerlen.Munt.Ledger.Facts.WeekFigures;

namespace Heerlen.Munt.Server.Services;

/// <summary>
/// Anonymised figures (service <c>heerlen.munt.v1.Statistics</c>), for auditors and officers. Counts of persons below
/// <see cref="SuppressionThreshold"/> are withheld (-1), so a small neighbourhood's figures cannot point at someone.
/// The full CBS rules (derived cells, months, point-in-time) are the auditor toolkit's (issue 5).
/// </summary>
public sealed class StatisticsApi(MuntRuntime runtime, Sessions sessions) : Statistics.StatisticsBase
{
    /// <summary>Counts of fewer persons than this are withheld.</summary>
    public const int SuppressionThreshold = 10;

    /// <inheritdoc />
    public override async Task<GetWeekFiguresResponse> GetWeekFigures(GetWeekFiguresRequest request, ServerCallContext context)
    {
        sessions.RequireRole(context, Roles.Auditor | Roles.Officer);
        var language = Languages.Of(context);
        if (!TryWeekStart(request.FromWeek, out var from) || !TryWeekStart(request.ToWeek, out var to))
            throw ApiErrors.Error("invalid_argument", language, "weeks look like 2026-W48");
        // The weeks asked for, named one by one so the database selects them by its index: at most ten years at once.
        var last = to ?? DateTime.UtcNow.Date;
        var first = from ?? last.AddDays(-7 * (WeeksMax - 1));
        if (first > last || (last - first).TotalDays > 7 * (WeeksMax - 1))
            throw ApiErrors.Error("invalid_argument", language, $"from_week must not be after to_week, and at most {WeeksMax} weeks at once");
        var names = new List<string>();
        for (var monday = first; monday <= last; monday = monday.AddDays(7)) names.Add(WeekName(monday));
        await using var session = runtime.Documents.QuerySession();
        IQueryable<StoredWeek> query = session.Query<StoredWeek>().Where(w => names.Contains(w.Week));
        if (request.Area.Length > 0) query = query.Where(w => w.Area == request.Area);
        var weeks = (await query.ToListAsync(context.CancellationToken))
            .OrderBy(w => w.Area, StringComparer.Ordinal).ThenBy(w => w.Week, StringComparer.Ordinal);
        var reply = new GetWeekFiguresResponse();
        foreach (var w in weeks)
        {
            reply.Weeks.Add(new WeekFigures
            {
                Area = w.Area,
                Week = w.Week,
                JobsPublished = w.JobsPublished,
                JobsTaken = w.JobsTaken,
                JobsCompleted = w.JobsCompleted,
                JobsRejected = w.JobsRejected,
                JobsCancelled = w.JobsCancelled,
                DistinctEarners = Suppress(w.DistinctEarners),
                ActiveMerchants = Suppress(w.ActiveMerchants),
                MedianMinutesToPickUp = w.MedianMinutesToPickUp ?? -1,
                MintedCents = w.MintedCents,
                PaidCents = w.PaidCents,
                SpentCents = w.SpentCents,
                RefundedCents = w.RefundedCents,
                RedeemedCents = w.RedeemedCents,
                OutstandingCents = w.OutstandingCents,
                SuppressionThreshold = SuppressionThreshold,
            });
        }
        reply.AsOfHeight = await runtime.Chain.ReadModelHeightAsync(Storage.Projections.StatisticsProjection.Name, context.CancellationToken);
        return reply;
    }

    private static int Suppress(int persons) => persons < SuppressionThreshold ? -1 : persons;

    private const int WeeksMax = 520;

    /// <summary>The Monday of an ISO week "2026-W48"; null for empty; false if malformed or not a real week.</summary>
    private static bool TryWeekStart(string week, out DateTime? monday)
    {
        monday = null;
        if (week.Length == 0) return true;
        if (week.Length != 8 || week[4] != '-' || week[5] != 'W'
            || !int.TryParse(week.AsSpan(0, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int year)
            || !int.TryParse(week.AsSpan(6, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number)
            || year < 2000 || year > 9998 || number < 1 || number > System.Globalization.ISOWeek.GetWeeksInYear(year)) return false;
        monday = System.Globalization.ISOWeek.ToDateTime(year, number, DayOfWeek.Monday);
        return true;
    }

    private static string WeekName(DateTime day) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{System.Globalization.ISOWeek.GetYear(day)}-W{System.Globalization.ISOWeek.GetWeekOfYear(day):00}");
}
