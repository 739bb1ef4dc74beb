using System.Globalization;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Tests.Scenarios;

namespace Heerlen.Munt.Ledger.Tests.Facts;

/// <summary>
/// A small community over two ISO weeks (2026-W23 and W24, summer time) and two neighbourhoods, GMS and Centrum,
/// with every figure worked out by hand. The community itself was set up in W22 (Thursday 28 May 2026). Shop 1 is in
/// Centrum, shop 2 in GMS. A resident's area is the neighbourhood of the job they were last paid for.
/// </summary>
public sealed class When_two_weeks_of_a_community_are_folded_into_statistics : Scenario
{
    private readonly SigningKey _anna;
    private readonly SigningKey _bert;
    private readonly SigningKey _cees;
    private readonly SigningKey _shop1;
    private readonly SigningKey _shop2;
    private readonly List<EntryFacts> _facts;

    public When_two_weeks_of_a_community_are_folded_into_statistics()
    {
        _anna = Community.NewAccount();
        _bert = Community.NewAccount();
        _cees = Community.NewAccount();
        _shop1 = Community.NewMerchant();
        _shop2 = Community.NewMerchant("gms");

        // Week 23: Monday 1 June 2026, 10:00 local.
        At("2026-06-01T08:00:00Z");
        JobId g1 = Publish("gms", 15, 2), c1 = Publish("centrum", 10, 1), g2 = Publish("gms", 5, 1);
        At("2026-06-01T08:30:00Z");
        Take(g1, _anna); // first pick-up of g1: 30 minutes
        At("2026-06-01T09:30:00Z");
        Take(g1, _bert);
        At("2026-06-01T11:00:00Z");
        Take(c1, _cees); // first pick-up of c1: 180 minutes
        Rejected(RejectionCode.JobFull, new Enrol(c1) { Header = Header(_anna) }, _anna);
        At("2026-06-01T12:00:00Z");
        Done(g1, _anna);
        Done(g1, _bert);
        Done(c1, _cees);
        At("2026-06-01T13:00:00Z");
        Approve(g1, _anna);
        Applied(new RejectCompletion(g1, _bert.PublicKey, CompletionRejectionReason.WrongLocation) { Header = Header(Officer2) }, Officer2);
        Approve(c1, _cees);
        At("2026-06-01T14:00:00Z");
        Applied(new CancelJob(g2) { Header = Header(Officer1) }, Officer1);
        At("2026-06-02T08:00:00Z");
        var annasPayment = Pay(_anna, _shop1, 5);
        Pay(_cees, _shop1, 3);
        Pay(_anna, _shop2, 2);
        Rejected(RejectionCode.InsufficientFunds, new Pay(_shop1.PublicKey, HM(1), null) { Header = Header(_bert) }, _bert);
        At("2026-06-03T08:00:00Z");
        Applied(new Refund(_anna.PublicKey, annasPayment.Header.Id, HM(1)) { Header = Header(_shop1) }, _shop1);
        At("2026-06-07T21:30:00Z"); // Sunday 23:30 local: still week 23
        Applied(new Redeem(HM(4)) { Header = Header(_shop1) }, _shop1);

        // Week 24.
        At("2026-06-07T22:30:00Z"); // Sunday 22:30 UTC is Monday 00:30 local: week 24
        Applied(new MintBudget(Budget, HM(1_000)) { Header = Header(Officer1) }, Officer1);
        At("2026-06-08T08:00:00Z");
        JobId g3 = Publish("gms", 20, 2), g4 = Publish("gms", 7, 1), c2 = Publish("centrum", 12, 1);
        At("2026-06-08T08:10:00Z");
        Take(g1, _bert); // again after the rejection: not a first pick-up
        At("2026-06-08T08:20:00Z");
        Take(c2, _anna); // 20 minutes
        At("2026-06-08T09:00:00Z");
        Take(g3, _anna); // 60 minutes
        At("2026-06-08T10:00:00Z");
        Take(g4, _anna); // 120 minutes
        At("2026-06-08T11:00:00Z");
        Take(g3, _cees); // not first; never submits
        At("2026-06-08T12:00:00Z");
        Done(c2, _anna);
        Done(g3, _anna);
        Done(g4, _anna);
        Done(g1, _bert);
        At("2026-06-08T13:00:00Z");
        Approve(c2, _anna);
        Approve(g3, _anna);
        Approve(g4, _anna);
        Approve(g1, _bert);
        At("2026-06-08T14:00:00Z");
        Applied(new CancelJob(g3) { Header = Header(Officer1) }, Officer1); // releases Cees's unpaid slot
        At("2026-06-09T08:00:00Z");
        Pay(_anna, _shop2, 10);
        Pay(_bert, _shop2, 5);

        _facts = new FactsTail(Engine).CatchUp();
    }

    private void At(string utc) =>
        Community.NowMs = DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();

    private JobId Publish(string neighbourhood, long reward, ushort slots)
    {
        var job = JobId.New();
        Applied(new PublishJob(job, Budget, "groen", neighbourhood, HM(reward), slots, Community.NowMs + 30L * 86_400_000) { Header = Header(Officer1) }, Officer1);
        return job;
    }

    private void Take(JobId job, SigningKey worker) => Applied(new Enrol(job) { Header = Header(worker) }, worker);

    private void Done(JobId job, SigningKey worker) => Applied(new SubmitCompletion(job, Hash32.Sha256([1])) { Header = Header(worker) }, worker);

    private void Approve(JobId job, SigningKey worker) => Applied(new ApproveCompletion(job, worker.PublicKey) { Header = Header(Officer2) }, Officer2);

    private Pay Pay(SigningKey payer, SigningKey shop, long euros)
    {
        var pay = new Pay(shop.PublicKey, HM(euros), null) { Header = Header(payer) };
        Applied(pay, payer);
        return pay;
    }

    private IReadOnlyDictionary<string, PeriodFigures> Book()
    {
        var book = new StatisticsBook();
        foreach (var f in _facts) book.Fold(f);
        return book.Buckets;
    }

    private static void Figures(
        PeriodFigures bucket, long published = 0, long taken = 0, long completed = 0, long rejected = 0, long cancelled = 0, int earners = 0,
        long? median = null, long paid = 0, long minted = 0, long spent = 0, long refunded = 0, long redeemed = 0, long outstanding = 0, int merchants = 0,
        int newEarners = 0, long byResidents = 0, long inside = 0)
    {
        var expected = new { published, taken, completed, rejected, cancelled, earners, median, paid, minted, spent, refunded, redeemed, outstanding, merchants, newEarners, byResidents, inside };
        var actual = new
        {
            published = bucket.JobsPublished,
            taken = bucket.JobsTaken,
            completed = bucket.JobsCompleted,
            rejected = bucket.JobsRejected,
            cancelled = bucket.JobsCancelled,
            earners = bucket.DistinctEarners,
            median = bucket.MedianMinutesToPickUp,
            paid = bucket.PaidCents,
            minted = bucket.MintedCents,
            spent = bucket.SpentCents,
            refunded = bucket.RefundedCents,
            redeemed = bucket.RedeemedCents,
            outstanding = bucket.OutstandingCents,
            merchants = bucket.ActiveMerchants,
            newEarners = bucket.NewEarnerCount,
            byResidents = bucket.SpentByResidentsCents,
            inside = bucket.SpentInsideCents,
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void there_is_a_city_bucket_per_period_and_a_bucket_per_neighbourhood_with_jobs_shops_or_residents_active_that_period()
    {
        Assert.Equal(
            [
                "centrum/2026", "centrum/2026-06", "centrum/2026-W23", "centrum/2026-W24", "gms/2026", "gms/2026-06", "gms/2026-W23", "gms/2026-W24",
                "heerlen/2026", "heerlen/2026-05", "heerlen/2026-06", "heerlen/2026-W22", "heerlen/2026-W23", "heerlen/2026-W24",
            ],
            Book().Keys.Order(StringComparer.Ordinal));
        Assert.All(Book(), b => Assert.Equal(b.Key, b.Value.Area + "/" + b.Value.Period));
        Assert.All(Book(), b => Assert.Equal(HeerlenCalendar.KindOf(b.Value.Period), b.Value.Kind));
    }

    [Fact]
    public void the_set_up_week_holds_only_the_first_mint()
    {
        Figures(Book()["heerlen/2026-W22"], minted: 500_000, outstanding: 500_000);
    }

    [Fact]
    public void week_23_in_each_neighbourhood_counts_its_own_jobs_shops_and_residents_only()
    {
        var book = Book();
        // Anna (area GMS since her first reward) spends 5 at shop 1 in Centrum and 2 at shop 2 in GMS; Cees (Centrum) 3 at shop 1.
        Figures(
            book["gms/2026-W23"], published: 2, taken: 2, completed: 1, rejected: 1, cancelled: 1, earners: 1, newEarners: 1, median: 30, paid: 1_500,
            spent: 200, merchants: 1, byResidents: 700, inside: 200);
        Figures(
            book["centrum/2026-W23"], published: 1, taken: 1, completed: 1, earners: 1, newEarners: 1, median: 180, paid: 1_000,
            spent: 800, merchants: 1, byResidents: 300, inside: 300, refunded: 100, redeemed: 400);
    }

    [Fact]
    public void week_23_in_the_city_adds_up_the_neighbourhoods_and_holds_the_money_figures()
    {
        // Pick-ups 30 and 180: the lower middle of an even count is 30. Outstanding: 5,000 − 4 redeemed late on Sunday.
        Figures(
            Book()["heerlen/2026-W23"], published: 3, taken: 3, completed: 2, rejected: 1, cancelled: 1, earners: 2, newEarners: 2, median: 30,
            paid: 2_500, spent: 1_000, refunded: 100, redeemed: 400, outstanding: 499_600, merchants: 2, byResidents: 1_000, inside: 1_000);
    }

    [Fact]
    public void week_24_counts_a_worker_paid_twice_once_and_the_city_counts_a_worker_paid_in_two_neighbourhoods_once()
    {
        var book = Book();
        // GMS: pick-ups 60 and 120 (even: the lower middle); Anna paid for g3 and g4, Bert for g1.
        // Anna earned in GMS in W23: a repeat earner there; Bert is new. Both are GMS residents and spend at shop 2 in GMS.
        Figures(
            book["gms/2026-W24"], published: 2, taken: 4, completed: 3, cancelled: 1, earners: 2, newEarners: 1, median: 60, paid: 4_200,
            spent: 1_500, merchants: 1, byResidents: 1_500, inside: 1_500);
        // Anna's first reward in Centrum: new there, though not new in the city.
        Figures(book["centrum/2026-W24"], published: 1, taken: 1, completed: 1, earners: 1, newEarners: 1, median: 20, paid: 1_200);
        // City: pick-ups 20, 60, 120 (odd: the middle); Anna paid in both neighbourhoods counts once, and as a repeat earner.
        Figures(
            book["heerlen/2026-W24"], published: 3, taken: 5, completed: 4, cancelled: 1, earners: 2, newEarners: 1, median: 60,
            paid: 5_400, minted: 100_000, spent: 1_500, outstanding: 599_600, merchants: 1, byResidents: 1_500, inside: 1_500);
        string anna = StatisticsFold.Member(_anna.PublicKey.ToString()), bert = StatisticsFold.Member(_bert.PublicKey.ToString());
        Assert.Equal(new[] { anna, bert }.Order(StringComparer.Ordinal), book["heerlen/2026-W24"].Earners);
        Assert.Equal([anna], book["gms/2026-W24"].Earners.Where(e => e == anna));
        Assert.Equal([bert], book["heerlen/2026-W24"].NewEarners);
        Assert.Equal(1, book["heerlen/2026-W24"].RepeatEarners);
    }

    [Fact]
    public void a_bucket_keeps_a_person_by_the_first_thirteen_characters_of_their_key_not_the_whole_account_id()
    {
        string id = _anna.PublicKey.ToString();
        Assert.Equal(id.Substring(3, 13), StatisticsFold.Member(id));
        Assert.All(Book().Values.SelectMany(b => b.Earners.Concat(b.Payers).Concat(b.Merchants)), member => Assert.Equal(13, member.Length));
        Assert.Equal("not-an-account", StatisticsFold.Member("not-an-account"));
    }

    [Fact]
    public void in_the_month_and_the_year_everyone_first_paid_in_june_is_new_even_when_paid_again_later_that_month()
    {
        var book = Book();
        foreach (var period in new[] { "2026-06", "2026" })
        {
            // Anna was paid in W23 and again in W24, both in June: new in June, not a repeat.
            Figures(
                book["heerlen/" + period], published: 6, taken: 8, completed: 6, rejected: 1, cancelled: 2, earners: 3, newEarners: 3, median: 60,
                paid: 7_900, minted: period == "2026" ? 600_000 : 100_000, spent: 2_500, refunded: 100, redeemed: 400, outstanding: 599_600, merchants: 2,
                byResidents: 2_500, inside: 2_500);
            Figures(
                book["gms/" + period], published: 4, taken: 6, completed: 4, rejected: 1, cancelled: 2, earners: 2, newEarners: 2, median: 60, paid: 5_700,
                spent: 1_700, merchants: 1, byResidents: 2_200, inside: 1_700);
            Figures(
                book["centrum/" + period], published: 2, taken: 2, completed: 2, earners: 2, newEarners: 2, median: 20, paid: 2_200,
                spent: 800, merchants: 1, byResidents: 300, inside: 300, refunded: 100, redeemed: 400);
        }
        Figures(book["heerlen/2026-05"], minted: 500_000, outstanding: 500_000);
    }

    [Fact]
    public void outstanding_is_the_supply_after_the_weeks_last_entry()
    {
        var book = Book();
        foreach (var week in new[] { "2026-W22", "2026-W23", "2026-W24", "2026-05", "2026-06", "2026" })
        {
            var last = _facts.Last(f => f.Applied && HeerlenCalendar.Period(HeerlenCalendar.KindOf(week)!.Value, f.TimestampMs) == week);
            Assert.Equal(last.SupplyAfterCents, book["heerlen/" + week].OutstandingCents);
            Assert.Equal(last.Height, book["heerlen/" + week].LastHeight);
        }
        Assert.Equal(State.Supply.Cents, book["heerlen/2026-W24"].OutstandingCents);
    }

    [Fact]
    public void rejected_entries_count_in_no_bucket()
    {
        var rejected = _facts.Where(f => !f.Applied).ToList();

        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, f => Assert.Empty(StatisticsFold.BucketIds(f)));
        var bucket = StatisticsFold.NewBucket("heerlen/2026-W23");
        foreach (var f in rejected) StatisticsFold.Add(bucket, f);
        Assert.Equal(-1, bucket.LastHeight);
        Figures(bucket);
    }

    [Fact]
    public void folding_the_same_entry_twice_changes_nothing()
    {
        var once = new StatisticsBook();
        foreach (var f in _facts) once.Fold(f);
        var twice = new StatisticsBook();
        foreach (var f in _facts)
        {
            twice.Fold(f);
            twice.Fold(f);
        }
        Assert.Null(StoredStatistics.DifferenceBetween(StoredStatistics.Of(once), StoredStatistics.Of(twice)));

        foreach (var f in _facts) once.Fold(f); // the whole chain delivered again
        Assert.Null(StoredStatistics.DifferenceBetween(StoredStatistics.Of(twice), StoredStatistics.Of(once)));
    }

    [Fact]
    public void the_book_folded_in_one_go_equals_the_book_folded_in_two_stored_batches_split_at_any_height()
    {
        var inOneGo = StoredStatistics.Of(FoldAll());
        for (int split = 0; split <= _facts.Count; split++)
        {
            var store = new Dictionary<string, string>(StringComparer.Ordinal);
            StoredStatistics.FoldBatch(store, _facts.Take(split));
            StoredStatistics.FoldBatch(store, _facts.Skip(split));
            Assert.True(StoredStatistics.DifferenceBetween(inOneGo, store) is null, $"split at {split}: {StoredStatistics.DifferenceBetween(inOneGo, store)}");
        }
    }

    [Fact]
    public void the_book_folded_one_stored_batch_per_entry_equals_the_book_folded_in_one_go()
    {
        var store = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in _facts) StoredStatistics.FoldBatch(store, [f]);

        Assert.Null(StoredStatistics.DifferenceBetween(StoredStatistics.Of(FoldAll()), store));
    }

    private StatisticsBook FoldAll()
    {
        var book = new StatisticsBook();
        foreach (var f in _facts) book.Fold(f);
        return book;
    }
}
