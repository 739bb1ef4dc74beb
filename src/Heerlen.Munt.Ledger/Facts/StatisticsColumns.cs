namespace Heerlen.Munt.Ledger.Facts;

/// <summary>A published figure: one column of the statistics table (docs/statistics.md describes each).</summary>
public enum Figure
{
    /// <summary>Distinct residents paid for a job.</summary>
    DistinctEarners,

    /// <summary>Distinct earners never paid for a job before the period (here, or anywhere for the city).</summary>
    NewEarners,

    /// <summary>Distinct earners − new earners.</summary>
    RepeatEarners,

    /// <summary>Jobs published (an act of the municipality: never withheld).</summary>
    JobsPublished,

    /// <summary>Slots taken (enrolments).</summary>
    JobsTaken,

    /// <summary>Completions approved and paid.</summary>
    JobsCompleted,

    /// <summary>Completions rejected.</summary>
    JobsRejected,

    /// <summary>Jobs cancelled (an act of the municipality: never withheld).</summary>
    JobsCancelled,

    /// <summary>Median hours from publication to first enrolment, in tenths of an hour.</summary>
    MedianHoursToPickUp,

    /// <summary>HM minted (city only; never withheld), cents.</summary>
    MintedCents,

    /// <summary>HM paid to residents for jobs, cents.</summary>
    PaidCents,

    /// <summary>HM spent at shops located in the area, cents.</summary>
    SpentCents,

    /// <summary>HM refunded by shops located in the area, cents.</summary>
    RefundedCents,

    /// <summary>HM redeemed for euros by shops located in the area, cents.</summary>
    RedeemedCents,

    /// <summary>Distinct shops in the area that were paid.</summary>
    ActiveMerchants,

    /// <summary>HM spent anywhere by the area's residents, cents.</summary>
    SpentByResidentsCents,

    /// <summary>HM spent by the area's residents at shops in the area, cents.</summary>
    SpentInsideCents,

    /// <summary>Spent inside ÷ spent by residents, in tenths of a percent.</summary>
    SpendingShareInside,

    /// <summary>HM in existence at the end of the period (city only; never withheld), cents.</summary>
    OutstandingCents,
}

/// <summary>How a column is named, scaled and protected.</summary>
/// <param name="Figure">The figure.</param>
/// <param name="Name">The CSV header and JSON property name (stable; part of the published format).</param>
/// <param name="Tenths">True if the value is in tenths and is printed with one decimal (<c>12.5</c>).</param>
/// <param name="Suppressible">False for acts of the municipality (never about a resident or a shop).</param>
/// <param name="Additive">True if the city cell is (at least) the sum of the neighbourhood cells, so differencing across areas must be guarded.</param>
public sealed record StatisticsColumn(Figure Figure, string Name, bool Tenths, bool Suppressible, bool Additive)
{
    /// <summary>Every figure column, in published order.</summary>
    public static IReadOnlyList<StatisticsColumn> All { get; } =
    [
        new(Figure.DistinctEarners, "distinct_earners", false, true, true),
        new(Figure.NewEarners, "new_earners", false, true, true),
        new(Figure.RepeatEarners, "repeat_earners", false, true, true),
        new(Figure.JobsPublished, "jobs_published", false, false, false),
        new(Figure.JobsTaken, "jobs_taken", false, true, true),
        new(Figure.JobsCompleted, "jobs_completed", false, true, true),
        new(Figure.JobsRejected, "jobs_rejected", false, true, true),
        new(Figure.JobsCancelled, "jobs_cancelled", false, false, false),
        new(Figure.MedianHoursToPickUp, "median_hours_to_pick_up", true, true, false),
        new(Figure.MintedCents, "minted_cents", false, false, false),
        new(Figure.PaidCents, "paid_cents", false, true, true),
        new(Figure.SpentCents, "spent_cents", false, true, true),
        new(Figure.RefundedCents, "refunded_cents", false, true, true),
        new(Figure.RedeemedCents, "redeemed_cents", false, true, true),
        new(Figure.ActiveMerchants, "active_merchants", false, true, true),
        new(Figure.SpentByResidentsCents, "spent_by_residents_cents", false, true, true),
        new(Figure.SpentInsideCents, "spent_inside_cents", false, true, true),
        new(Figure.SpendingShareInside, "spending_share_inside_pct", true, true, false),
        new(Figure.OutstandingCents, "outstanding_cents", false, false, false),
    ];

    /// <summary>The column of a figure.</summary>
    public static StatisticsColumn Of(Figure figure) => All[(int)figure];
}
