using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Ledger.Facts;

/// <summary>
/// The figures of one area in one ISO week. City-wide figures are in the area <see cref="StatisticsFold.City"/>;
/// a neighbourhood's bucket holds what is tied to that neighbourhood's jobs. Money that has no place on the chain
/// (minting, spending, redemption: shops carry no neighbourhood yet) is counted city-wide only.
/// Mutable and serializable so a document store can keep it; change it only through <see cref="StatisticsFold.Add"/>.
/// </summary>
public sealed class WeekFigures
{
    /// <summary><c>area/week</c>, e.g. <c>gms/2026-W48</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>A neighbourhood, or <see cref="StatisticsFold.City"/>.</summary>
    public string Area { get; set; } = "";

    /// <summary>ISO week, <c>yyyy-Www</c>.</summary>
    public string Week { get; set; } = "";

    /// <summary>Height of the last entry folded in (folding is idempotent per entry).</summary>
    public long LastHeight { get; set; } = -1;

    /// <summary>Jobs published.</summary>
    public long JobsPublished { get; set; }

    /// <summary>Enrolments (a slot taken).</summary>
    public long JobsTaken { get; set; }

    /// <summary>Completions approved and paid.</summary>
    public long JobsCompleted { get; set; }

    /// <summary>Completions rejected.</summary>
    public long JobsRejected { get; set; }

    /// <summary>Jobs cancelled.</summary>
    public long JobsCancelled { get; set; }

    /// <summary>Minutes from publication to a job's first enrolment, for each job first picked up this week.</summary>
    public List<long> PickUpMinutes { get; set; } = [];

    /// <summary>Pseudonymous ids of the residents paid for a job this week (kept to count them; never published).</summary>
    public List<string> Earners { get; set; } = [];

    /// <summary>Pseudonymous ids of the shops that received a payment this week (kept to count them).</summary>
    public List<string> Merchants { get; set; } = [];

    /// <summary>HM minted into budgets (city only), in cents.</summary>
    public long MintedCents { get; set; }

    /// <summary>HM paid to residents for jobs, in cents.</summary>
    public long PaidCents { get; set; }

    /// <summary>HM spent at shops (city only), in cents.</summary>
    public long SpentCents { get; set; }

    /// <summary>HM refunded by shops (city only), in cents.</summary>
    public long RefundedCents { get; set; }

    /// <summary>HM redeemed for euros (city only), in cents.</summary>
    public long RedeemedCents { get; set; }

    /// <summary>HM in existence after the week's last entry (city only), in cents.</summary>
    public long OutstandingCents { get; set; }

    /// <summary>Distinct residents paid for a job this week.</summary>
    public int DistinctEarners => Earners.Count;

    /// <summary>Distinct shops paid this week.</summary>
    public int ActiveMerchants => Merchants.Count;

    /// <summary>Median minutes from publication to first enrolment (the lower middle for an even count), or null.</summary>
    public long? MedianMinutesToPickUp
    {
        get
        {
            if (PickUpMinutes.Count == 0) return null;
            var sorted = PickUpMinutes.Order().ToArray();
            return sorted[(sorted.Length - 1) / 2];
        }
    }
}

/// <summary>
/// The statistics fold: a pure function from entry facts to week figures, used alike by the server's projection,
/// by a rebuild, and by the auditor's offline tools, so audited figures and served figures cannot disagree.
/// </summary>
public static class StatisticsFold
{
    /// <summary>The area of city-wide figures.</summary>
    public const string City = "heerlen";

    /// <summary>The ids of the buckets an entry counts in (none for rejected entries).</summary>
    public static IEnumerable<string> BucketIds(EntryFacts facts)
    {
        if (!facts.Applied) yield break;
        string week = HeerlenCalendar.IsoWeek(facts.TimestampMs);
        yield return City + "/" + week;
        if (facts.Job is { } job && job.Neighbourhood != City) yield return job.Neighbourhood + "/" + week;
    }

    /// <summary>A new, empty bucket.</summary>
    public static WeekFigures NewBucket(string id)
    {
        int slash = id.LastIndexOf('/');
        return new WeekFigures { Id = id, Area = id[..slash], Week = id[(slash + 1)..] };
    }

    /// <summary>Folds one entry into one of its buckets. Entries must come in height order; an entry already folded in is skipped.</summary>
    public static void Add(WeekFigures bucket, EntryFacts facts)
    {
        if (!facts.Applied || facts.Height <= bucket.LastHeight) return;
        bucket.LastHeight = facts.Height;
        bool city = bucket.Area == City;
        if (city) bucket.OutstandingCents = facts.SupplyAfterCents;
        switch (facts.Command)
        {
            case CommandType.PublishJob:
                bucket.JobsPublished++;
                break;
            case CommandType.Enrol:
                bucket.JobsTaken++;
                if (facts.Job is { FirstPickUp: true } job) bucket.PickUpMinutes.Add((facts.TimestampMs - job.PublishedAtMs) / 60_000);
                break;
            case CommandType.ApproveCompletion:
                bucket.JobsCompleted++;
                AddOnce(bucket.Earners, facts.Subject!);
                break;
            case CommandType.RejectCompletion:
                bucket.JobsRejected++;
                break;
            case CommandType.CancelJob:
                bucket.JobsCancelled++;
                break;
        }
        foreach (var m in facts.Movements)
        {
            switch (m.Kind)
            {
                case MovementKind.Reward:
                    bucket.PaidCents = checked(bucket.PaidCents + m.Cents);
                    break;
                case MovementKind.Mint when city:
                    bucket.MintedCents = checked(bucket.MintedCents + m.Cents);
                    break;
                case MovementKind.Payment when city:
                    bucket.SpentCents = checked(bucket.SpentCents + m.Cents);
                    AddOnce(bucket.Merchants, m.To);
                    break;
                case MovementKind.Refund when city:
                    bucket.RefundedCents = checked(bucket.RefundedCents + m.Cents);
                    break;
                case MovementKind.Redemption when city:
                    bucket.RedeemedCents = checked(bucket.RedeemedCents + m.Cents);
                    break;
            }
        }
    }

    private static void AddOnce(List<string> set, string id)
    {
        int at = set.BinarySearch(id, StringComparer.Ordinal);
        if (at < 0) set.Insert(~at, id);
    }
}

/// <summary>All week figures of a chain, folded in memory (the auditor's and the tests' way to the same numbers).</summary>
public sealed class StatisticsBook
{
    private readonly Dictionary<string, WeekFigures> _buckets = new(StringComparer.Ordinal);

    /// <summary>Every bucket, by id.</summary>
    public IReadOnlyDictionary<string, WeekFigures> Buckets => _buckets;

    /// <summary>Folds one entry in.</summary>
    public void Fold(EntryFacts facts)
    {
        foreach (string id in StatisticsFold.BucketIds(facts))
        {
            if (!_buckets.TryGetValue(id, out var bucket)) _buckets.Add(id, bucket = StatisticsFold.NewBucket(id));
            StatisticsFold.Add(bucket, facts);
        }
    }
}
