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
        if (!IsWeekOrEmpty(request.FromWeek) || !IsWeekOrEmpty(request.ToWeek))
            throw ApiErrors.Error("invalid_argument", language, "weeks look like 2026-W48");
        await using var session = runtime.Documents.QuerySession();
        IQueryable<StoredWeek> query = session.Query<StoredWeek>();
        if (request.Area.Length > 0) query = query.Where(w => w.Area == request.Area);
        var weeks = (await query.OrderBy(w => w.Week).Take(5000).ToListAsync(context.CancellationToken))
            .Where(w => (request.FromWeek.Length == 0 || string.CompareOrdinal(w.Week, request.FromWeek) >= 0) && (request.ToWeek.Length == 0 || string.CompareOrdinal(w.Week, request.ToWeek) <= 0))
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

    private static bool IsWeekOrEmpty(string week) =>
        week.Length == 0 || (week.Length == 8 && week[4] == '-' && week[5] == 'W' && week[..4].All(char.IsAsciiDigit) && week[6..].All(char.IsAsciiDigit));
}
