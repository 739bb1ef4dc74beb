using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Ledger.Facts;

/// <summary>
/// The figures of one area in one period (ISO week, month or year, Heerlen time): a bucket of the statistics fold.
/// City-wide figures are in the area <see cref="StatisticsFold.City"/>. A neighbourhood's bucket holds what is tied to
/// that neighbourhood: its jobs and their rewards, the shops located there (spending, refunds, redemptions, active
/// shops), and the spending of the residents whose area it is (see <see cref="EntryFacts.PayerArea"/>). Minting and
/// outstanding HM are counted city-wide only.
/// <para>
/// The id lists are the persons behind each figure, kept so that <see cref="StatisticsTable"/> can withhold figures
/// about fewer than k persons; they are pseudonymous and never published.
/// Mutable and serializable so a document store can keep it; change it only through <see cref="StatisticsFold.Add"/>.
/// </para>
/// </summary>
public sealed class PeriodFigures
{
    /// <summary><c>area/period</c>, e.g. <c>gms/2026-W48</c>, <c>gms/2026-11</c>, <c>heerlen/2026</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>A neighbourhood, or <see cref="StatisticsFold.City"/>.</summary>
    public string Area { get; set; } = "";

    /// <summary>The period: <c>2026-W48</c>, <c>2026-11</c> or <c>2026</c>.</summary>
    public string Period { get; set; } = "";

    /// <summary>What kind of period <see cref="Period"/> is.</summary>
    public PeriodKind Kind { get; set; } = PeriodKind.Week;

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

    /// <summary>Minutes from publication to a job's first enrolment, for each job first picked up in the period.</summary>
    public List<long> PickUpMinutes { get; set; } = [];

    /// <summary>Residents who were the first to enrol in a job in the period (the persons behind the median pick-up time).</summary>
    public List<string> FirstEnrollers { get; set; } = [];

    /// <summary>Residents who took a slot in the period.</summary>
    public List<string> Enrollers { get; set; } = [];

    /// <summary>Residents paid for a job in the period.</summary>
    public List<string> Earners { get; set; } = [];

    /// <summary>Earners who had never been paid for a job (here, for a neighbourhood; anywhere, for the city) before the period.</summary>
    public List<string> NewEarners { get; set; } = [];

    /// <summary>Residents whose completion was rejected in the period.</summary>
    public List<string> RejectedWorkers { get; set; } = [];

    /// <summary>HM minted into budgets (city only), in cents.</summary>
    public long MintedCents { get; set; }

    /// <summary>HM paid to residents for jobs (in the neighbourhood's jobs), in cents.</summary>
    public long PaidCents { get; set; }

    /// <summary>HM spent at shops (located in the neighbourhood), in cents.</summary>
    public long SpentCents { get; set; }

    /// <summary>Residents who paid at those shops.</summary>
    public List<string> Payers { get; set; } = [];

    /// <summary>Shops (located in the neighbourhood) that were paid: the active merchants.</summary>
    public List<string> Merchants { get; set; } = [];

    /// <summary>
    /// HM spent, at any shop, by the residents whose area is this neighbourhood, in cents. In the city bucket: all HM
    /// spent (every resident is a city resident), with <see cref="Payers"/> and <see cref="Merchants"/> as its persons.
    /// </summary>
    public long SpentByResidentsCents { get; set; }

    /// <summary>The residents of the area who paid (empty in the city bucket: there they are <see cref="Payers"/>).</summary>
    public List<string> ResidentPayers { get; set; } = [];

    /// <summary>
    /// HM spent by the residents of the area at shops located in the area, in cents. In the city bucket: all HM spent
    /// (every shop is in the city).
    /// </summary>
    public long SpentInsideCents { get; set; }

    /// <summary>The residents of the area who paid at a shop in the area (empty in the city bucket).</summary>
    public List<string> InsidePayers { get; set; } = [];

    /// <summary>The shops in the area paid by residents of the area (empty in the city bucket).</summary>
    public List<string> InsideMerchants { get; set; } = [];

    /// <summary>HM refunded by shops (located in the neighbourhood), in cents.</summary>
    public long RefundedCents { get; set; }

    /// <summary>Residents who got a refund from those shops.</summary>
    public List<string> RefundedPayers { get; set; } = [];

    /// <summary>Shops that refunded.</summary>
    public List<string> RefundingMerchants { get; set; } = [];

    /// <summary>HM redeemed for euros by shops (located in the neighbourhood), in cents.</summary>
    public long RedeemedCents { get; set; }

    /// <summary>Shops that redeemed.</summary>
    public List<string> RedeemingMerchants { get; set; } = [];

    /// <summary>HM in existence after the period's last entry (city only), in cents.</summary>
    public long OutstandingCents { get; set; }

    /// <summary>Distinct residents paid for a job in the period.</summary>
    public int DistinctEarners => Earners.Count;

    /// <summary>Distinct earners who are new (see <see cref="NewEarners"/>).</summary>
    public int NewEarnerCount => NewEarners.Count;

    /// <summary>Distinct earners who had been paid for a job before the period: distinct − new.</summary>
    public int RepeatEarners => Earners.Count - NewEarners.Count;

    /// <summary>Distinct shops paid in the period.</summary>
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
/// The statistics fold: a pure function from entry facts to period figures, used alike by the server's projection,
/// by a rebuild, and by the auditor's offline tools, so audited figures and served figures cannot disagree. Each
/// bucket is folded from the facts alone (what it needs from earlier entries, such as whether a worker earned before,
/// comes in the facts from <see cref="EntryFacts.Describe"/>), so a projection can fold its documents independently.
/// </summary>
public static class StatisticsFold
{
    /// <summary>The area of city-wide figures.</summary>
    public const string City = "heerlen";

    private static readonly PeriodKind[] Kinds = [PeriodKind.Week, PeriodKind.Month, PeriodKind.Year];

    /// <summary>The ids of the buckets an entry counts in: for each period kind the city and the neighbourhoods it touches (none for rejected entries).</summary>
    public static IEnumerable<string> BucketIds(EntryFacts facts)
    {
        if (!facts.Applied) yield break;
        var areas = new List<string>(4) { City };
        void Touch(string? area)
        {
            if (area is not null && !areas.Contains(area, StringComparer.Ordinal)) areas.Add(area);
        }
        Touch(facts.Job?.Neighbourhood);
        Touch(facts.ShopNeighbourhood);
        Touch(facts.PayerArea);
        foreach (var kind in Kinds)
        {
            string period = HeerlenCalendar.Period(kind, facts.TimestampMs);
            foreach (string area in areas) yield return area + "/" + period;
        }
    }

    /// <summary>A new, empty bucket for an id <c>area/period</c>.</summary>
    public static PeriodFigures NewBucket(string id)
    {
        int slash = id.LastIndexOf('/');
        string period = id[(slash + 1)..];
        var kind = HeerlenCalendar.KindOf(period) ?? throw new ArgumentException($"'{period}' is not a period", nameof(id));
        return new PeriodFigures { Id = id, Area = id[..slash], Period = period, Kind = kind };
    }

    /// <summary>Folds one entry into one of its buckets. Entries must come in height order; an entry already folded in is skipped.</summary>
    public static void Add(PeriodFigures bucket, EntryFacts facts)
    {
        if (!facts.Applied || facts.Height <= bucket.LastHeight) return;
        bucket.LastHeight = facts.Height;
        bool city = bucket.Area == City;
        if (city) bucket.OutstandingCents = facts.SupplyAfterCents;
        if (facts.Job is { } job && (city || job.Neighbourhood == bucket.Area)) AddJobFigures(bucket, facts, job, city);
        bool shopHere = city || facts.ShopNeighbourhood == bucket.Area;
        foreach (var m in facts.Movements)
        {
            switch (m.Kind)
            {
                case MovementKind.Mint when city:
                    bucket.MintedCents = checked(bucket.MintedCents + m.Cents);
                    break;
                case MovementKind.Payment:
                    AddPayment(bucket, m, shopHere, residentHere: !city && facts.PayerArea == bucket.Area, city);
                    break;
                case MovementKind.Refund when shopHere:
                    bucket.RefundedCents = checked(bucket.RefundedCents + m.Cents);
                    AddOnce(bucket.RefundingMerchants, m.From);
                    AddOnce(bucket.RefundedPayers, m.To);
                    break;
                case MovementKind.Redemption when shopHere:
                    bucket.RedeemedCents = checked(bucket.RedeemedCents + m.Cents);
                    AddOnce(bucket.RedeemingMerchants, m.From);
                    break;
            }
        }
    }

    private static void AddJobFigures(PeriodFigures bucket, EntryFacts facts, JobFacts job, bool city)
    {
        switch (facts.Command)
        {
            case CommandType.PublishJob:
                bucket.JobsPublished++;
                break;
            case CommandType.Enrol:
                bucket.JobsTaken++;
                AddOnce(bucket.Enrollers, facts.Actor);
                if (job.FirstPickUp)
                {
                    bucket.PickUpMinutes.Add((facts.TimestampMs - job.PublishedAtMs) / 60_000);
                    AddOnce(bucket.FirstEnrollers, facts.Actor);
                }
                break;
            case CommandType.ApproveCompletion:
                bucket.JobsCompleted++;
                AddOnce(bucket.Earners, facts.Subject!);
                // New in this period: never paid before, or first paid earlier in this same period (a resident first
                // paid on Monday and again on Friday is new in that week, in its month and in its year).
                long? before = city ? facts.FirstEarnedAtMs : facts.FirstEarnedHereAtMs;
                if (before is not { } at || HeerlenCalendar.Period(bucket.Kind, at) == bucket.Period) AddOnce(bucket.NewEarners, facts.Subject!);
                break;
            case CommandType.RejectCompletion:
                bucket.JobsRejected++;
                AddOnce(bucket.RejectedWorkers, facts.Subject!);
                break;
            case CommandType.CancelJob:
                bucket.JobsCancelled++;
                break;
        }
        foreach (var m in facts.Movements)
            if (m.Kind == MovementKind.Reward) bucket.PaidCents = checked(bucket.PaidCents + m.Cents);
    }

    private static void AddPayment(PeriodFigures bucket, Movement m, bool shopHere, bool residentHere, bool city)
    {
        if (shopHere)
        {
            bucket.SpentCents = checked(bucket.SpentCents + m.Cents);
            AddOnce(bucket.Payers, m.From);
            AddOnce(bucket.Merchants, m.To);
        }
        if (city)
        {
            // Every resident lives in the city and every shop is in it: the city's "by residents" and "inside" are all spending.
            bucket.SpentByResidentsCents = checked(bucket.SpentByResidentsCents + m.Cents);
            bucket.SpentInsideCents = checked(bucket.SpentInsideCents + m.Cents);
            return;
        }
        if (!residentHere) return;
        bucket.SpentByResidentsCents = checked(bucket.SpentByResidentsCents + m.Cents);
        AddOnce(bucket.ResidentPayers, m.From);
        if (!shopHere) return;
        bucket.SpentInsideCents = checked(bucket.SpentInsideCents + m.Cents);
        AddOnce(bucket.InsidePayers, m.From);
        AddOnce(bucket.InsideMerchants, m.To);
    }

    private static void AddOnce(List<string> set, string id)
    {
        string member = Member(id);
        int at = set.BinarySearch(member, StringComparer.Ordinal);
        if (at < 0) set.Insert(~at, member);
    }

    /// <summary>
    /// How a person is kept in a bucket's lists: for an account id (<c>hm1</c> + 52 characters of key + checksum), the
    /// first 13 characters of its key — 65 bits of a random public key, enough to tell millions of accounts apart, at a
    /// quarter of the size. The lists are rewritten every time a bucket changes (the server's read model), so their size
    /// is most of the statistics' cost (docs/performance.md). Anything else is kept as it is.
    /// </summary>
    public static string Member(string id) =>
        id.Length == 61 && id.StartsWith("hm1", StringComparison.Ordinal) ? id.Substring(3, 13) : id;
}

/// <summary>
/// All period figures of a chain, folded in memory: the auditor's and the tests' way to the same numbers as the
/// server's projection. Fold every entry's facts in height order (from <see cref="EntryFacts.Describe"/>, before
/// <see cref="LedgerRules.Apply"/>); stop at any height for the figures as of that height; then
/// <see cref="StatisticsTable.Build"/> the published table.
/// </summary>
public sealed class StatisticsBook
{
    private readonly Dictionary<string, PeriodFigures> _buckets = new(StringComparer.Ordinal);

    /// <summary>Every bucket (all areas, all period kinds), by id.</summary>
    public IReadOnlyDictionary<string, PeriodFigures> Buckets => _buckets;

    /// <summary>One more than the height of the last entry folded in (0 before any): the table's as-of height.</summary>
    public long NextHeight { get; private set; }

    /// <summary>Folds one entry in.</summary>
    public void Fold(EntryFacts facts)
    {
        foreach (string id in StatisticsFold.BucketIds(facts))
        {
            if (!_buckets.TryGetValue(id, out var bucket)) _buckets.Add(id, bucket = StatisticsFold.NewBucket(id));
            StatisticsFold.Add(bucket, facts);
        }
        NextHeight = Math.Max(NextHeight, facts.Height + 1);
    }
}
