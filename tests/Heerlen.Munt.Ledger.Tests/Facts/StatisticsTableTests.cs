using System.Globalization;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Properties;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Facts;

public class When_a_resident_earns_around_period_boundaries
{
    private static long Ms(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();

    private static (Community Community, FactsTail Tail) Start()
    {
        var community = new Community();
        return (community, new FactsTail(community.Engine));
    }

    private static void Earn(Community community, SigningKey worker, string neighbourhood, string utc)
    {
        community.NowMs = Ms(utc);
        var job = JobId.New();
        Community.Ok(community.Submit(new PublishJob(job, Community.Budget, "groen", neighbourhood, Amount.FromEuros(5), 1, community.NowMs + 86_400_000) { Header = community.Header(community.Officer1) }, community.Officer1));
        Community.Ok(community.Submit(new Enrol(job) { Header = community.Header(worker) }, worker));
        Community.Ok(community.Submit(new SubmitCompletion(job, Hash32.Sha256([1])) { Header = community.Header(worker) }, worker));
        Community.Ok(community.Submit(new ApproveCompletion(job, worker.PublicKey) { Header = community.Header(community.Officer2) }, community.Officer2));
    }

    private static StatisticsBook Fold(FactsTail tail)
    {
        var book = new StatisticsBook();
        foreach (var f in tail.CatchUp()) book.Fold(f);
        return book;
    }

    [Fact]
    public void a_resident_first_paid_on_monday_and_again_on_friday_is_new_that_week_and_a_repeat_earner_the_week_after()
    {
        var (community, tail) = Start();
        var anna = community.NewAccount();
        Earn(community, anna, "gms", "2026-11-23T09:00:00Z"); // Monday, 2026-W48
        Earn(community, anna, "gms", "2026-11-27T09:00:00Z"); // Friday, same week
        Earn(community, anna, "gms", "2026-12-01T09:00:00Z"); // Tuesday, 2026-W49 and December

        var book = Fold(tail);

        foreach (var area in new[] { "heerlen", "gms" })
        {
            Assert.Equal((1, 1, 0), Counts(book.Buckets[area + "/2026-W48"]));
            Assert.Equal((1, 0, 1), Counts(book.Buckets[area + "/2026-W49"]));
            Assert.Equal((1, 1, 0), Counts(book.Buckets[area + "/2026-11"]));
            Assert.Equal((1, 0, 1), Counts(book.Buckets[area + "/2026-12"]));
            Assert.Equal((1, 1, 0), Counts(book.Buckets[area + "/2026"]));
        }
    }

    [Fact]
    public void a_resident_paid_in_december_and_january_is_new_in_the_first_year_and_a_repeat_earner_in_the_next()
    {
        var (community, tail) = Start();
        var anna = community.NewAccount();
        Earn(community, anna, "gms", "2026-12-30T09:00:00Z"); // 2026-W53
        Earn(community, anna, "gms", "2027-01-04T09:00:00Z"); // 2027-W01

        var book = Fold(tail);

        Assert.Equal((1, 1, 0), Counts(book.Buckets["heerlen/2026"]));
        Assert.Equal((1, 0, 1), Counts(book.Buckets["heerlen/2027"]));
        Assert.Equal((1, 1, 0), Counts(book.Buckets["heerlen/2026-W53"]));
        Assert.Equal((1, 0, 1), Counts(book.Buckets["heerlen/2027-W01"]));
        Assert.Equal((1, 0, 1), Counts(book.Buckets["gms/2027-01"]));
    }

    [Fact]
    public void a_resident_who_moves_to_earn_in_another_neighbourhood_is_new_there_but_not_in_the_city_and_spends_as_its_resident()
    {
        var (community, tail) = Start();
        var anna = community.NewAccount();
        var bakery = community.NewMerchant("centrum");
        var bikes = community.NewMerchant("gms");
        Earn(community, anna, "gms", "2026-11-23T09:00:00Z");
        Community.Ok(community.Submit(new Pay(bikes.PublicKey, Amount.FromEuros(2), null) { Header = community.Header(anna) }, anna));
        Earn(community, anna, "centrum", "2026-11-24T09:00:00Z");
        Community.Ok(community.Submit(new Pay(bakery.PublicKey, Amount.FromEuros(1), null) { Header = community.Header(anna) }, anna));
        Community.Ok(community.Submit(new Pay(bikes.PublicKey, Amount.FromEuros(3), null) { Header = community.Header(anna) }, anna));

        var book = Fold(tail);

        Assert.Equal((1, 1, 0), Counts(book.Buckets["centrum/2026-W48"]));
        Assert.Equal((1, 1, 0), Counts(book.Buckets["heerlen/2026-W48"]));
        var gms = book.Buckets["gms/2026-W48"];
        var centrum = book.Buckets["centrum/2026-W48"];
        // Anna was a GMS resident for the first payment (inside GMS), a Centrum resident for the next two.
        Assert.Equal((200L, 200L, 500L), (gms.SpentByResidentsCents, gms.SpentInsideCents, gms.SpentCents));
        Assert.Equal((400L, 100L, 100L), (centrum.SpentByResidentsCents, centrum.SpentInsideCents, centrum.SpentCents));
        var table = StatisticsTable.Build(book.Buckets.Values, PeriodKind.Week, 1, book.NextHeight);
        Assert.Equal(250, table.Rows.Single(r => r.Area == "centrum")[Figure.SpendingShareInside]); // 25.0 %
        Assert.Equal(1000, table.Rows.Single(r => r.Area == "gms")[Figure.SpendingShareInside]);
    }

    [Fact]
    public void a_suspended_shop_admitted_again_elsewhere_counts_its_later_takings_in_its_new_neighbourhood()
    {
        var (community, tail) = Start();
        var anna = community.NewEarner(20);
        var shop = community.NewMerchant("centrum");
        Community.Ok(community.Submit(new Pay(shop.PublicKey, Amount.FromEuros(1), null) { Header = community.Header(anna) }, anna));
        Community.Ok(community.Submit(new SuspendMerchant(shop.PublicKey) { Header = community.Header(community.Officer1) }, community.Officer1));
        Community.Ok(community.Submit(new AdmitMerchant(shop.PublicKey, "heerlerheide") { Header = community.Header(community.Officer1) }, community.Officer1));
        Community.Ok(community.Submit(new Pay(shop.PublicKey, Amount.FromEuros(2), null) { Header = community.Header(anna) }, anna));
        Community.Ok(community.Submit(new Redeem(Amount.FromEuros(3)) { Header = community.Header(shop) }, shop));

        var book = Fold(tail);
        string week = HeerlenCalendar.IsoWeek(community.NowMs);

        Assert.Equal("heerlerheide", tail.State.Accounts[shop.PublicKey].MerchantNeighbourhood);
        Assert.Equal((100L, 0L), (book.Buckets["centrum/" + week].SpentCents, book.Buckets["centrum/" + week].RedeemedCents));
        Assert.Equal((200L, 300L), (book.Buckets["heerlerheide/" + week].SpentCents, book.Buckets["heerlerheide/" + week].RedeemedCents));
        Assert.Equal(1, book.Buckets["heerlerheide/" + week].ActiveMerchants);
    }

    [Fact]
    public void an_admission_with_a_neighbourhood_that_is_not_a_slug_cannot_be_encoded_or_decoded()
    {
        var community = new Community();
        var shop = community.NewAccount();
        var bad = new AdmitMerchant(shop.PublicKey, "Centrum Heerlen") { Header = community.Header(community.Officer1) };
        Assert.Throws<ArgumentException>(() => CommandCodec.Encode(bad));

        // The same bytes with a bad slug put in by hand are refused as malformed.
        var envelope = SignedCommand.Create(new AdmitMerchant(shop.PublicKey, "centrum") { Header = community.Header(community.Officer1) }, community.Officer1).Envelope;
        Assert.NotNull(SignedCommand.Decode(envelope, Community.ChainId).Command);
        int at = envelope.AsSpan().IndexOf("centrum"u8);
        envelope[at] = (byte)'C';
        Assert.Null(SignedCommand.Decode(envelope, Community.ChainId).Command);
    }

    private static (int Distinct, int New, int Repeat) Counts(PeriodFigures b) => (b.DistinctEarners, b.NewEarnerCount, b.RepeatEarners);
}

public class When_the_statistics_table_is_published
{
    private static PeriodFigures Bucket(string area, string period, int earners = 0, int newEarners = 0, long spentCents = 0, int payers = 0, int shops = 0, long published = 0)
    {
        var b = StatisticsFold.NewBucket(area + "/" + period);
        b.Earners = [.. Enumerable.Range(0, earners).Select(i => $"{area}-earner-{i:000}")];
        b.NewEarners = [.. b.Earners.Take(newEarners)];
        b.JobsCompleted = earners;
        b.PaidCents = earners * 500L;
        b.SpentCents = spentCents;
        b.Payers = [.. Enumerable.Range(0, payers).Select(i => $"{area}-payer-{i:000}")];
        b.Merchants = [.. Enumerable.Range(0, shops).Select(i => $"{area}-shop-{i:000}")];
        b.JobsPublished = published;
        return b;
    }

    [Fact]
    public void a_figure_about_fewer_than_k_persons_is_withheld_and_one_about_nobody_is_published_as_zero()
    {
        var table = StatisticsTable.Build([Bucket("heerlen", "2026-W48", earners: 3, newEarners: 3, published: 2)], PeriodKind.Week, 10, 42);

        var row = Assert.Single(table.Rows);
        Assert.True(row.IsWithheld(Figure.DistinctEarners));
        Assert.Null(row[Figure.DistinctEarners]);
        Assert.Null(row[Figure.PaidCents]);
        Assert.Equal(2, row[Figure.JobsPublished]); // the municipality's own acts are never withheld
        Assert.Equal(0, row[Figure.SpentCents]);
        Assert.False(row.IsWithheld(Figure.SpentCents));
        Assert.Null(row[Figure.MedianHoursToPickUp]); // no pick-up: no value, and not withheld
        Assert.False(row.IsWithheld(Figure.MedianHoursToPickUp));
    }

    [Fact]
    public void distinct_new_and_repeat_earners_are_withheld_together()
    {
        // 12 earners, 11 of them new: the single repeat earner would be 12 − 11.
        var table = StatisticsTable.Build([Bucket("heerlen", "2026-W48", earners: 12, newEarners: 11)], PeriodKind.Week, 10, 1);

        var row = Assert.Single(table.Rows);
        Assert.All(new[] { Figure.DistinctEarners, Figure.NewEarners, Figure.RepeatEarners }, f => Assert.True(row.IsWithheld(f)));
    }

    [Fact]
    public void a_small_neighbourhood_is_not_left_as_the_city_minus_the_others()
    {
        var table = StatisticsTable.Build(
            [
                Bucket("heerlen", "2026-W48", earners: 40, spentCents: 9_000, payers: 40, shops: 12),
                Bucket("centrum", "2026-W48", earners: 20, spentCents: 5_000, payers: 20, shops: 10),
                Bucket("gms", "2026-W48", earners: 15, spentCents: 3_000, payers: 15, shops: 1),
                Bucket("heerlerheide", "2026-W48", earners: 5, spentCents: 1_000, payers: 5, shops: 1),
            ],
            PeriodKind.Week, 10, 1);

        var byArea = table.Rows.ToDictionary(r => r.Area);
        Assert.True(byArea["heerlerheide"].IsWithheld(Figure.DistinctEarners));
        Assert.True(byArea["gms"].IsWithheld(Figure.DistinctEarners)); // the smaller of the published others goes with it
        Assert.False(byArea["centrum"].IsWithheld(Figure.DistinctEarners));
        Assert.Equal(40, byArea["heerlen"][Figure.DistinctEarners]);
        // GMS and Heerlerheide have one shop each: spending there is withheld, and together they are about 20 payers and 2 shops,
        // still one shop too few, so Centrum's spending is withheld too.
        Assert.True(byArea["gms"].IsWithheld(Figure.SpentCents));
        Assert.True(byArea["heerlerheide"].IsWithheld(Figure.SpentCents));
        Assert.True(byArea["centrum"].IsWithheld(Figure.SpentCents));
    }

    [Fact]
    public void csv_and_json_name_every_column_print_tenths_with_one_decimal_and_leave_withheld_cells_empty()
    {
        var city = Bucket("heerlen", "2026-11", earners: 12, newEarners: 2, published: 3);
        city.PickUpMinutes = [75, 20, 200];
        city.FirstEnrollers = [.. Enumerable.Range(0, 10).Select(i => "first-" + i)];
        var table = StatisticsTable.Build([city], PeriodKind.Month, 10, 77);

        string[] lines = table.ToCsv().Split("\r\n");
        Assert.Equal(string.Join(',', StatisticsTable.ColumnNames), lines[0]);
        var cells = lines[1].Split(',').Zip(StatisticsTable.ColumnNames).ToDictionary(p => p.Second, p => p.First);
        Assert.Equal(("heerlen", "month", "2026-11", "77", "10"), (cells["area"], cells["period_kind"], cells["period"], cells["as_of_height"], cells["suppression_threshold"]));
        Assert.Equal("1.3", cells["median_hours_to_pick_up"]); // 75 minutes
        Assert.Equal("", cells["new_earners"]);
        Assert.Equal("distinct_earners new_earners repeat_earners", cells["withheld"]);
        Assert.Equal("12", cells["jobs_completed"]);
        Assert.Equal("", lines[2]);

        using var json = JsonDocument.Parse(table.ToJson());
        var row = json.RootElement.GetProperty("rows")[0];
        Assert.Equal(1.3m, row.GetProperty("median_hours_to_pick_up").GetDecimal());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("new_earners").ValueKind);
        Assert.Equal(6000, row.GetProperty("paid_cents").GetInt64());
        Assert.Equal(77, json.RootElement.GetProperty("as_of_height").GetInt64());
        Assert.All(StatisticsTable.ColumnNames, name => Assert.True(row.TryGetProperty(name, out _), name));
    }

    [Fact]
    public void the_columns_are_listed_in_the_order_of_their_figures()
    {
        Assert.Equal(Enum.GetValues<Figure>(), StatisticsColumn.All.Select(c => c.Figure));
        Assert.All(StatisticsColumn.All, c => Assert.Same(c, StatisticsColumn.Of(c.Figure)));
    }

    /// <summary>Random tables: several periods, each a city row and up to five neighbourhoods, person sets drawn from small pools.</summary>
    private static Arbitrary<(List<PeriodFigures> Buckets, int K)> Tables() =>
        Gen.Choose(1, 1_000_000).Select(seed =>
        {
            var random = new Random(seed);
            int k = random.Next(2, 12);
            var buckets = new List<PeriodFigures>();
            foreach (string period in new[] { "2026-W01", "2026-W02", "2026-W03" }.Take(random.Next(1, 4)))
            {
                var areas = new[] { "a", "b", "c", "d", "e" }.Take(random.Next(0, 6)).ToList();
                var rows = areas.Select(a => RandomBucket(random, a, period, k)).ToList();
                var city = StatisticsFold.NewBucket("heerlen/" + period);
                foreach (var list in new Func<PeriodFigures, List<string>>[] { b => b.Earners, b => b.NewEarners, b => b.Enrollers, b => b.FirstEnrollers, b => b.RejectedWorkers, b => b.Payers, b => b.Merchants, b => b.RefundedPayers, b => b.RefundingMerchants, b => b.RedeemingMerchants })
                    list(city).AddRange(rows.SelectMany(list).Distinct().Order(StringComparer.Ordinal));
                city.JobsTaken = rows.Sum(b => b.JobsTaken);
                city.JobsCompleted = rows.Sum(b => b.JobsCompleted);
                city.JobsRejected = rows.Sum(b => b.JobsRejected);
                city.PaidCents = rows.Sum(b => b.PaidCents);
                city.SpentCents = city.SpentByResidentsCents = city.SpentInsideCents = rows.Sum(b => b.SpentCents) + random.Next(0, 3) * 100;
                city.RefundedCents = rows.Sum(b => b.RefundedCents);
                city.RedeemedCents = rows.Sum(b => b.RedeemedCents);
                city.PickUpMinutes = [.. rows.SelectMany(b => b.PickUpMinutes)];
                buckets.Add(city);
                buckets.AddRange(rows);
            }
            return (buckets, k);
        }).ToArbitrary();

    private static PeriodFigures RandomBucket(Random random, string area, string period, int k)
    {
        List<string> Persons(string pool, int size) =>
            [.. Enumerable.Range(0, random.Next(0, 4) == 0 ? 0 : random.Next(1, 2 * k + 2)).Select(_ => $"{pool}-{random.Next(0, size)}").Distinct().Order(StringComparer.Ordinal)];
        var b = StatisticsFold.NewBucket(area + "/" + period);
        b.Earners = Persons("resident", 40);
        b.NewEarners = [.. b.Earners.Where(_ => random.Next(2) == 0)];
        b.Enrollers = [.. b.Earners.Union(Persons("resident", 40)).Distinct().Order(StringComparer.Ordinal)];
        b.FirstEnrollers = [.. b.Enrollers.Where(_ => random.Next(3) == 0)];
        b.PickUpMinutes = [.. b.FirstEnrollers.Select(_ => (long)random.Next(0, 5000))];
        b.RejectedWorkers = [.. b.Enrollers.Where(_ => random.Next(4) == 0)];
        b.JobsTaken = b.Enrollers.Count + random.Next(0, 3) * Math.Sign(b.Enrollers.Count);
        b.JobsCompleted = b.Earners.Count;
        b.JobsRejected = b.RejectedWorkers.Count;
        b.PaidCents = b.Earners.Count * 750L;
        b.Payers = Persons("resident", 60);
        b.Merchants = b.Payers.Count == 0 ? [] : Persons(area + "-shop", 15) is { Count: > 0 } shops ? shops : [area + "-shop-0"];
        b.SpentCents = b.Payers.Count * (long)random.Next(1, 1000);
        b.ResidentPayers = [.. b.Payers.Where(_ => random.Next(2) == 0)];
        b.SpentByResidentsCents = b.ResidentPayers.Count * 300L;
        b.InsidePayers = [.. b.ResidentPayers.Where(_ => random.Next(2) == 0)];
        b.InsideMerchants = b.InsidePayers.Count == 0 ? [] : [.. b.Merchants.Take(random.Next(1, b.Merchants.Count + 1))];
        b.SpentInsideCents = b.InsidePayers.Count * 100L;
        b.RefundedPayers = [.. b.Payers.Where(_ => random.Next(5) == 0)];
        b.RefundingMerchants = b.RefundedPayers.Count == 0 ? [] : [b.Merchants[0]];
        b.RefundedCents = b.RefundedPayers.Count * 50L;
        b.RedeemingMerchants = [.. b.Merchants.Where(_ => random.Next(2) == 0)];
        b.RedeemedCents = b.RedeemingMerchants.Count * 1_000L;
        return b;
    }

    [Property(MaxTest = 300)]
    public Property no_published_cell_is_about_fewer_than_k_persons_nor_recoverable_by_differencing() =>
        Prop.ForAll(Tables(), t =>
        {
            var (buckets, k) = t;
            var table = StatisticsTable.Build(buckets, PeriodKind.Week, k, 1);
            string? problem = SmallCellPublished(table, buckets, k) ?? LoneWithheldCell(table, buckets) ?? SplitEarnerTriple(table);
            return (problem is null).Label(problem ?? "ok");
        });

    /// <summary>Every published suppressible cell rests on 0 or at least k persons of each kind behind it.</summary>
    private static string? SmallCellPublished(StatisticsTable table, List<PeriodFigures> buckets, int k)
    {
        foreach (var row in table.Rows)
        {
            var b = buckets.Single(x => x.Area == row.Area && x.Period == row.Period);
            bool city = b.Area == StatisticsFold.City;
            var persons = new Dictionary<Figure, List<string>[]>
            {
                [Figure.DistinctEarners] = [b.Earners],
                [Figure.NewEarners] = [b.NewEarners],
                [Figure.RepeatEarners] = [[.. b.Earners.Except(b.NewEarners)]],
                [Figure.JobsTaken] = [b.Enrollers],
                [Figure.JobsCompleted] = [b.Earners],
                [Figure.JobsRejected] = [b.RejectedWorkers],
                [Figure.MedianHoursToPickUp] = [b.FirstEnrollers],
                [Figure.PaidCents] = [b.Earners],
                [Figure.SpentCents] = [b.Payers, b.Merchants],
                [Figure.RefundedCents] = [b.RefundedPayers, b.RefundingMerchants],
                [Figure.RedeemedCents] = [b.RedeemingMerchants],
                [Figure.ActiveMerchants] = [b.Merchants],
                [Figure.SpentByResidentsCents] = city ? [b.Payers, b.Merchants] : [b.ResidentPayers],
                [Figure.SpentInsideCents] = city ? [b.Payers, b.Merchants] : [b.InsidePayers, b.InsideMerchants],
                [Figure.SpendingShareInside] = city ? [b.Payers, b.Merchants] : [b.ResidentPayers, b.InsidePayers, b.InsideMerchants],
            };
            foreach (var (figure, sets) in persons)
            {
                if (row[figure] is null) continue;
                if (sets.Any(s => s.Count > 0 && s.Count < k)) return $"{row.Area}/{row.Period} {figure} = {row[figure]} published about {string.Join("/", sets.Select(s => s.Count))} persons, k = {k}";
            }
        }
        return null;
    }

    /// <summary>
    /// In every period and additive column, a withheld cell with persons behind it is never the only withheld one (so it is
    /// not the city minus the others, nor the others plus the rest), unless the column has a single cell in that period.
    /// </summary>
    private static string? LoneWithheldCell(StatisticsTable table, List<PeriodFigures> buckets)
    {
        foreach (var period in table.Rows.GroupBy(r => r.Period))
        {
            foreach (var column in StatisticsColumn.All.Where(c => c.Additive))
            {
                var present = period.Where(r => r[column.Figure] is not null || r.IsWithheld(column.Figure)).ToList();
                var withheld = present.Where(r => r.IsWithheld(column.Figure)).ToList();
                if (withheld.Count == 1 && present.Count > 1 && HasPersons(buckets.Single(b => b.Area == withheld[0].Area && b.Period == period.Key), column.Figure))
                    return $"{period.Key} {column.Name}: only {withheld[0].Area} withheld, the rest published: it is the city minus the others";
            }
        }
        return null;
    }

    private static bool HasPersons(PeriodFigures b, Figure figure) => figure switch
    {
        Figure.DistinctEarners or Figure.JobsCompleted or Figure.PaidCents => b.Earners.Count > 0,
        Figure.NewEarners => b.NewEarners.Count > 0,
        Figure.RepeatEarners => b.RepeatEarners > 0,
        Figure.JobsTaken => b.Enrollers.Count > 0,
        Figure.JobsRejected => b.RejectedWorkers.Count > 0,
        Figure.SpentCents or Figure.ActiveMerchants => b.Payers.Count + b.Merchants.Count > 0,
        Figure.RefundedCents => b.RefundedPayers.Count + b.RefundingMerchants.Count > 0,
        Figure.RedeemedCents => b.RedeemingMerchants.Count > 0,
        Figure.SpentByResidentsCents => b.Area == StatisticsFold.City ? b.Payers.Count > 0 : b.ResidentPayers.Count > 0,
        Figure.SpentInsideCents => b.Area == StatisticsFold.City ? b.Payers.Count > 0 : b.InsidePayers.Count + b.InsideMerchants.Count > 0,
        _ => false,
    };

    private static string? SplitEarnerTriple(StatisticsTable table)
    {
        foreach (var row in table.Rows)
        {
            int withheld = new[] { Figure.DistinctEarners, Figure.NewEarners, Figure.RepeatEarners }.Count(row.IsWithheld);
            if (withheld is 1 or 2) return $"{row.Area}/{row.Period}: {withheld} of distinct/new/repeat earners withheld";
        }
        return null;
    }

    [Property(MaxTest = 25, EndSize = 120)]
    public Property the_table_folded_up_to_any_height_is_the_table_of_the_chain_cut_at_that_height() =>
        Prop.ForAll(RandomScript.Scripts, Gen.Choose(0, 1000).ToArbitrary(), (steps, cutAt) =>
        {
            var script = new RandomScript();
            foreach (var step in steps) script.Play(step);
            var entries = script.Community.Engine.Entries;
            int height = cutAt % (entries.Count + 1);

            // Folded as the chain grew, stopped at the height...
            var live = new StatisticsBook();
            foreach (var f in new FactsTail(script.Community.Engine).CatchUp().Take(height)) live.Fold(f);
            // ...and from a chain that never went further.
            var cut = new StatisticsBook();
            foreach (var f in new FactsTail(script.State.ChainId, [.. entries.Take(height)]).CatchUp()) cut.Fold(f);

            string? problem = null;
            foreach (var kind in new[] { PeriodKind.Week, PeriodKind.Month, PeriodKind.Year })
            {
                var a = StatisticsTable.Build(live.Buckets.Values, kind, 2, live.NextHeight);
                var b = StatisticsTable.Build(cut.Buckets.Values, kind, 2, height);
                if (a.ToCsv() != b.ToCsv() || a.ToJson() != b.ToJson()) problem ??= $"{kind} at height {height} of {entries.Count} differs";
            }
            return (problem is null).Label(problem ?? "ok");
        });
}
