using System.Text.Json;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.Projections;
using Heerlen.Munt.Storage.Tests.Support;
using Marten;
using Npgsql;
using Xunit;

namespace Heerlen.Munt.Storage.Tests.Projections;

[Collection(PostgresCollection.Name)]
public sealed class ProjectionTests(PostgresFixture postgres)
{
    /// <summary>Each projection's name and the table of its documents.</summary>
    private static readonly (string Projection, string Table)[] Tables =
    [
        (BalanceProjection.Name, "mt_doc_balance"),
        (HistoryProjection.Name, "mt_doc_historyline"),
        (JobBoardProjection.Name, "mt_doc_jobboarditem"),
        (JobWorkProjection.Name, "mt_doc_jobwork"),
        (MerchantStatementProjection.Name, "mt_doc_merchantday"),
        (StatisticsProjection.Name, "mt_doc_periodfigures"),
    ];

    [Fact]
    public async Task balances_equal_the_ledger_state_and_all_pots_sum_to_zero()
    {
        await using var town = await Town.StartAsync(postgres, nameof(ProjectionTests));
        var c = await Community.BuildAsync(town);
        var state = await ReloadAsync(town);

        await using var session = town.Documents.QuerySession();
        var balances = (await session.Query<Balance>().ToListAsync()).ToDictionary(b => b.Id);

        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, account) in state.Accounts) expected[id.ToString()] = account.Balance.Cents;
        foreach (var (budget, amount) in state.Budgets) expected[Movement.BudgetPot(budget)] = amount.Cents;
        foreach (var (job, js) in state.Jobs) expected[Movement.JobPot(job)] = js.Reserve.Cents;
        expected[Movement.Issuance] = -state.Minted.Cents;
        expected[Movement.Burnt] = state.Redeemed.Cents;

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), balances.Keys.Order(StringComparer.Ordinal));
        foreach (var (pot, cents) in expected) Assert.True(cents == balances[pot].Cents, $"{pot}: ledger {cents}, read model {balances[pot].Cents}");
        Assert.Equal(0, balances.Values.Sum(b => b.Cents));
        // A few by hand, so that the test does not only compare two folds of the same mistake.
        Assert.Equal(700, balances[c.Anna.PublicKey.ToString()].Cents);
        Assert.Equal(300, balances[c.Bakker.PublicKey.ToString()].Cents);
        Assert.Equal(0, balances[Movement.JobPot(c.JobC)].Cents);
        Assert.Equal(-600_000, balances[Movement.Issuance].Cents);
        Assert.Equal(1_000, balances[Movement.Burnt].Cents);
        Assert.Equal(state.Supply.Cents, balances.Values.Where(b => b.Id is not Movement.Issuance and not Movement.Burnt).Sum(b => b.Cents));
        Assert.All(balances.Values, b => Assert.InRange(b.Height, 0, state.NextHeight - 1));
    }

    [Fact]
    public async Task history_read_newest_first_in_keyset_pages_by_height_returns_every_line_of_an_account_exactly_once()
    {
        await using var town = await Town.StartAsync(postgres, nameof(ProjectionTests));
        var c = await Community.BuildAsync(town);
        var facts = await FactsAsync(town);

        foreach (var who in new[] { c.Anna, c.Bakker, c.Fietsenmaker, town.Officer2 })
        {
            string account = who.PublicKey.ToString();
            // Independently of the projection: every entry the account acted in, was the subject of, or moved money of.
            var expected = facts
                .Where(f => f.Actor == account || (f.Applied && f.Subject == account) || f.Movements.Any(m => m.From == account || m.To == account))
                .Select(f => f.Height).OrderDescending().ToList();

            var pages = new List<List<HistoryLine>>();
            long before = long.MaxValue;
            await using var session = town.Documents.QuerySession();
            while (true)
            {
                var page = await session.Query<HistoryLine>()
                    .Where(x => x.Account == account && x.Height < before)
                    .OrderByDescending(x => x.Height)
                    .Take(5)
                    .ToListAsync();
                if (page.Count == 0) break;
                pages.Add(page.ToList());
                before = page[^1].Height;
            }

            var heights = pages.SelectMany(p => p).Select(l => l.Height).ToList();
            Assert.Equal(expected, heights);
            Assert.Equal(heights.Count, heights.Distinct().Count());
            Assert.All(pages.SkipLast(1), p => Assert.Equal(5, p.Count));
            Assert.All(pages.SelectMany(p => p), l => Assert.Equal(HistoryLine.IdOf(account, l.Height), l.Id));
        }
        Assert.True(facts.Count(f => f.Actor == c.Anna.PublicKey.ToString()) > 10, "Anna's history spans several pages");
    }

    [Fact]
    public async Task a_worker_sees_the_reward_with_the_jobs_category_and_a_payer_sees_a_negative_amount_with_the_shop_as_counterparty()
    {
        await using var town = await Town.StartAsync(postgres, nameof(ProjectionTests));
        var c = await Community.BuildAsync(town);
        string anna = c.Anna.PublicKey.ToString(), bram = c.Bram.PublicKey.ToString(), dini = c.Dini.PublicKey.ToString();
        string bakker = c.Bakker.PublicKey.ToString(), fiets = c.Fietsenmaker.PublicKey.ToString();

        await using var session = town.Documents.QuerySession();
        var annas = (await session.Query<HistoryLine>().Where(x => x.Account == anna).ToListAsync()).ToDictionary(l => l.Height);

        var reward = annas[c.AnnaRewardHeight];
        Assert.Equal(CommandType.ApproveCompletion, reward.Command);
        Assert.Equal(1_500, reward.AmountCents);
        Assert.False(reward.Mine);
        Assert.Equal(c.JobA.ToString(), reward.Job);
        Assert.Equal("straatmeubilair", reward.JobCategory);
        Assert.Equal("gms", reward.JobNeighbourhood);
        Assert.Equal(town.Officer2.PublicKey.ToString(), reward.Counterparty);

        var paid = annas[c.AnnaFirstPaymentHeight];
        Assert.Equal(CommandType.Pay, paid.Command);
        Assert.True(paid.Mine);
        Assert.Equal(-450, paid.AmountCents);
        Assert.Equal(bakker, paid.Counterparty);
        Assert.Null(paid.Job);

        var refunded = annas[c.RefundHeight];
        Assert.Equal(CommandType.Refund, refunded.Command);
        Assert.Equal(150, refunded.AmountCents);
        Assert.Equal(bakker, refunded.Counterparty);
        Assert.Equal(c.AnnaFirstPayment.ToString(), refunded.Reference);

        var shopSide = await session.LoadAsync<HistoryLine>(HistoryLine.IdOf(bakker, c.AnnaFirstPaymentHeight));
        Assert.NotNull(shopSide);
        Assert.Equal(450, shopSide.AmountCents);
        Assert.Equal(anna, shopSide.Counterparty);
        Assert.False(shopSide.Mine);

        // The rejected completion: the worker sees it, with nothing paid; the slot is freed on the job board (below).
        var rejected = await session.LoadAsync<HistoryLine>(HistoryLine.IdOf(bram, c.BramRejectedHeight));
        Assert.NotNull(rejected);
        Assert.Equal(CommandType.RejectCompletion, rejected.Command);
        Assert.Equal(RejectionCode.None, rejected.Outcome);
        Assert.Equal(0, rejected.AmountCents);
        Assert.Equal("straatmeubilair", rejected.JobCategory);

        // The recorded rejection: the payer sees the "no"; the shop got nothing and sees nothing.
        var refused = await session.LoadAsync<HistoryLine>(HistoryLine.IdOf(dini, c.RejectedPaymentHeight));
        Assert.NotNull(refused);
        Assert.Equal(RejectionCode.InsufficientFunds, refused.Outcome);
        Assert.Equal(0, refused.AmountCents);
        Assert.Null(await session.LoadAsync<HistoryLine>(HistoryLine.IdOf(fiets, c.RejectedPaymentHeight)));
    }

    [Fact]
    public async Task the_job_board_shows_free_slots_and_open_or_closed_and_answers_by_neighbourhood_and_category()
    {
        await using var town = await Town.StartAsync(postgres, nameof(ProjectionTests));
        var c = await Community.BuildAsync(town);
        var state = await ReloadAsync(town);

        await using var session = town.Documents.QuerySession();
        var board = (await session.Query<JobBoardItem>().ToListAsync()).ToDictionary(j => j.Id);
        Assert.Equal(state.Jobs.Keys.Select(j => j.ToString()).Order(), board.Keys.Order());
        foreach (var (id, job) in state.Jobs)
        {
            var item = board[id.ToString()];
            Assert.Equal(job.Neighbourhood, item.Neighbourhood);
            Assert.Equal(job.Category, item.Category);
            Assert.Equal(job.Budget, item.Budget);
            Assert.Equal(job.Publisher.ToString(), item.Publisher);
            Assert.Equal(job.Reward.Cents, item.RewardCents);
            Assert.Equal(job.Slots, item.Slots);
            Assert.Equal(job.Taken, item.Taken);
            Assert.Equal(job.Paid, item.Paid);
            Assert.Equal(job.Open, item.Open);
            Assert.Equal(job.PublishedAtMs, item.PublishedAtMs);
            Assert.Equal(job.DeadlineMs, item.DeadlineMs);
        }

        // A: 2 slots, Anna paid, Bram rejected (his slot is free again). B: 3 slots, two paid. C: cancelled. D: 1 slot, paid.
        Assert.Equal((1, 1, true), Slots(board[c.JobA.ToString()]));
        Assert.Equal((2, 1, true), Slots(board[c.JobB.ToString()]));
        Assert.Equal((1, 0, false), Slots(board[c.JobC.ToString()]));
        Assert.Equal((1, 0, true), Slots(board[c.JobD.ToString()]));
        Assert.Equal(Community.Groen, board[c.JobB.ToString()].Budget);

        async Task<string[]> Ids(System.Linq.Expressions.Expression<Func<JobBoardItem, bool>> where) =>
            (await session.Query<JobBoardItem>().Where(where).ToListAsync()).Select(j => j.Id).Order().ToArray();

        Assert.Equal(Sorted(c.JobA, c.JobC), await Ids(x => x.Neighbourhood == "gms"));
        Assert.Equal(Sorted(c.JobB, c.JobD), await Ids(x => x.Neighbourhood == "heerlerheide"));
        Assert.Equal(Sorted(c.JobC, c.JobD), await Ids(x => x.Category == "zwerfafval"));
        Assert.Equal(Sorted(c.JobD), await Ids(x => x.Neighbourhood == "heerlerheide" && x.Category == "zwerfafval"));
        Assert.Equal(Sorted(c.JobA, c.JobB), await Ids(x => x.Open && x.FreeSlots > 0));
        Assert.Equal(Sorted(c.JobC), await Ids(x => !x.Open));

        static (int Taken, int FreeSlots, bool Open) Slots(JobBoardItem j) => (j.Taken, j.FreeSlots, j.Open);
        static string[] Sorted(params JobId[] jobs) => jobs.Select(j => j.ToString()).Order().ToArray();
    }

    [Fact]
    public async Task a_merchants_statement_per_day_shows_what_was_received_refunded_redeemed_and_settled()
    {
        await using var town = await Town.StartAsync(postgres, nameof(ProjectionTests));
        var c = await Community.BuildAsync(town);
        var facts = await FactsAsync(town);

        await using var session = town.Documents.QuerySession();
        foreach (var (shop, payments, received, refunded, redeemed, settled) in new[]
                 {
                     (c.Bakker, 3, 1_450L, 150L, 1_000L, 1_000L),
                     (c.Fietsenmaker, 10, 1_900L, 0L, 0L, 0L),
                 })
        {
            string merchant = shop.PublicKey.ToString();
            var days = await session.Query<MerchantDay>().Where(x => x.Merchant == merchant).ToListAsync();
            Assert.NotEmpty(days);
            Assert.Equal(payments, days.Sum(d => d.Payments));
            Assert.Equal(received, days.Sum(d => d.ReceivedCents));
            Assert.Equal(refunded, days.Sum(d => d.RefundedCents));
            Assert.Equal(redeemed, days.Sum(d => d.RedeemedCents));
            Assert.Equal(settled, days.Sum(d => d.SettledCents));
            // Each day is a local Heerlen day on which the shop had an entry.
            var activeDays = facts.Where(f => f.Applied && (f.Actor == merchant || f.Subject == merchant)).Select(f => HeerlenCalendar.Day(f.TimestampMs)).ToHashSet();
            Assert.All(days, d =>
            {
                Assert.Contains(d.Day, activeDays);
                Assert.Equal(MerchantDay.IdOf(merchant, d.Day), d.Id);
            });
        }
        // Nobody else has a statement: the rejected payment did not make the shop a day, and residents are no shops.
        var merchants = (await session.Query<MerchantDay>().ToListAsync()).Select(d => d.Merchant).Distinct().Order().ToArray();
        Assert.Equal(new[] { c.Bakker.PublicKey.ToString(), c.Fietsenmaker.PublicKey.ToString() }.Order().ToArray(), merchants);
    }

    [Fact]
    public async Task period_figures_equal_a_statistics_book_folded_offline_from_all_stored_facts_field_by_field()
    {
        await using var town = await Town.StartAsync(postgres, nameof(ProjectionTests));
        await Community.BuildAsync(town);
        var facts = await FactsAsync(town);

        var book = new StatisticsBook();
        foreach (var f in facts) book.Fold(f);

        await using var session = town.Documents.QuerySession();
        var documents = (await session.Query<PeriodFigures>().ToListAsync()).ToDictionary(w => w.Id);
        Assert.Equal(book.Buckets.Keys.Order(StringComparer.Ordinal), documents.Keys.Order(StringComparer.Ordinal));
        var properties = typeof(PeriodFigures).GetProperties().Where(p => p.CanRead).ToArray();
        Assert.Contains(properties, p => p.Name == nameof(PeriodFigures.PickUpMinutes));
        foreach (var (id, offline) in book.Buckets)
        {
            foreach (var p in properties)
                Assert.True(JsonSerializer.Serialize(p.GetValue(offline)) == JsonSerializer.Serialize(p.GetValue(documents[id])), $"{id}.{p.Name}: offline {JsonSerializer.Serialize(p.GetValue(offline))}, served {JsonSerializer.Serialize(p.GetValue(documents[id]))}");
        }

        // And the totals are what the town did (summed over weeks, in case the test ran across a week boundary).
        var weeks = documents.Values.Where(w => w.Kind == PeriodKind.Week).ToList();
        var city = weeks.Where(w => w.Area == StatisticsFold.City).ToList();
        Assert.Equal(4, city.Sum(w => w.JobsPublished));
        Assert.Equal(6, city.Sum(w => w.JobsTaken));
        Assert.Equal(4, city.Sum(w => w.JobsCompleted));
        Assert.Equal(1, city.Sum(w => w.JobsRejected));
        Assert.Equal(1, city.Sum(w => w.JobsCancelled));
        Assert.Equal(4, city.Sum(w => w.PickUpMinutes.Count));
        Assert.Equal(600_000, city.Sum(w => w.MintedCents));
        Assert.Equal(6_700, city.Sum(w => w.PaidCents));
        Assert.Equal(3_350, city.Sum(w => w.SpentCents));
        Assert.Equal(150, city.Sum(w => w.RefundedCents));
        Assert.Equal(1_000, city.Sum(w => w.RedeemedCents));
        Assert.Equal(4, city.SelectMany(w => w.Earners).Distinct().Count());
        Assert.Equal(2, city.SelectMany(w => w.Merchants).Distinct().Count());
        Assert.Equal(599_000, city.MaxBy(w => w.LastHeight)!.OutstandingCents);
        var gms = weeks.Where(w => w.Area == "gms").ToList();
        Assert.Equal((2L, 3L, 1L, 1L, 1L, 1_500L), (gms.Sum(w => w.JobsPublished), gms.Sum(w => w.JobsTaken), gms.Sum(w => w.JobsCompleted), gms.Sum(w => w.JobsRejected), gms.Sum(w => w.JobsCancelled), gms.Sum(w => w.PaidCents)));
        var heide = weeks.Where(w => w.Area == "heerlerheide").ToList();
        Assert.Equal((2L, 3L, 3L, 0L, 0L, 5_200L), (heide.Sum(w => w.JobsPublished), heide.Sum(w => w.JobsTaken), heide.Sum(w => w.JobsCompleted), heide.Sum(w => w.JobsRejected), heide.Sum(w => w.JobsCancelled), heide.Sum(w => w.PaidCents)));
        // Minting and outstanding HM are city-wide; the town's shops are all in Centrum.
        Assert.All(gms.Concat(heide), w => Assert.Equal(0, w.MintedCents + w.SpentCents + w.RefundedCents + w.RedeemedCents + w.OutstandingCents));
        Assert.Equal(city.Sum(w => w.SpentCents), weeks.Where(w => w.Area == "centrum").Sum(w => w.SpentCents));
    }

    [Fact]
    public async Task rebuilding_every_projection_from_scratch_gives_the_same_documents_as_the_incremental_fold()
    {
        await using var town = await Town.StartAsync(postgres, nameof(ProjectionTests));
        await Community.BuildAsync(town);
        await town.Sequencer.DisposeAsync(); // a rebuild runs while nobody writes
        var incremental = await DumpAsync(town.ConnectionString);
        Assert.All(Tables, t => Assert.NotEmpty(incremental[t.Projection]));

        // Damage every read model: a wrong document and a stray one; the rebuilder must repair both, not only fill gaps.
        await ExecuteAsync(town.ConnectionString, """
            UPDATE heerlen_munt.mt_doc_balance SET data = jsonb_set(data, '{cents}', '424242') WHERE id = 'issuance';
            UPDATE heerlen_munt.mt_doc_jobboarditem SET data = jsonb_set(data, '{taken}', '0');
            UPDATE heerlen_munt.mt_doc_jobwork SET data = jsonb_set(data, '{status}', '1');
            DELETE FROM heerlen_munt.mt_doc_historyline WHERE id IN (SELECT id FROM heerlen_munt.mt_doc_historyline ORDER BY id LIMIT 3);
            UPDATE heerlen_munt.mt_doc_merchantday SET data = jsonb_set(data, '{receivedCents}', '1');
            UPDATE heerlen_munt.mt_doc_periodfigures SET data = jsonb_set(data, '{jobsPublished}', '99');
            """);
        await using (var session = town.Documents.LightweightSession())
        {
            session.Store(new Balance { Id = "budget:stray", Cents = 5, Height = 1 });
            await session.SaveChangesAsync();
        }
        Assert.NotEqual(incremental, await DumpAsync(town.ConnectionString));

        foreach (var (projection, _) in Tables)
        {
            long folded = await ProjectionRebuilder.RebuildAsync(town.Documents, Town.ChainId, projection, pageSize: 7);
            Assert.Equal(town.Sequencer.Height, folded);
        }

        var rebuilt = await DumpAsync(town.ConnectionString);
        foreach (var (projection, _) in Tables) Assert.Equal(incremental[projection], rebuilt[projection]);
        await town.StartSequencerAsync();
    }

    [Fact]
    public async Task martens_projection_daemon_rebuilds_the_same_documents_once_they_are_deleted()
    {
        await using var town = await Town.StartAsync(postgres, nameof(ProjectionTests));
        await Community.BuildAsync(town);
        await town.Sequencer.DisposeAsync();
        var incremental = await DumpAsync(town.ConnectionString);

        using var daemon = await town.Documents.BuildProjectionDaemonAsync();
        foreach (var (projection, _) in Tables)
        {
            await town.Documents.Advanced.Clean.DeleteDocumentsByTypeAsync(ProjectionRebuilder.DocumentTypeOf(projection));
            await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        var rebuilt = await DumpAsync(town.ConnectionString);
        foreach (var (projection, _) in Tables) Assert.Equal(incremental[projection], rebuilt[projection]);
        await town.StartSequencerAsync();
    }

    [Fact]
    public async Task one_entry_per_batch_and_a_thousand_per_batch_fold_into_the_same_documents_and_a_rebuild_agrees()
    {
        await using var town = await Town.StartAsync(postgres, nameof(ProjectionTests));
        await Community.BuildAsync(town);
        await town.Sequencer.DisposeAsync();
        var original = new List<EntryRecorded>();
        await foreach (var (_, e) in town.Store.ReadEntriesAsync()) original.Add(e);
        var envelopes = original.Select(e => Entry.TryDecode(e.Entry, out var entry, out _) ? entry!.Envelope : throw new InvalidOperationException("bad entry")).ToList();
        // One fixed clock for both replays (no later than any command's expiry), so both chains are the same bytes.
        long now = original[^1].Facts.TimestampMs;

        var one = await ReplayAsync(town, envelopes, now, batchMax: 1, all: false);
        var many = await ReplayAsync(town, envelopes, now, batchMax: 1000, all: true);

        Assert.Equal(original.Select(e => e.Facts.Outcome), one.Outcomes);
        Assert.Equal(original.Select(e => e.Facts.Outcome), many.Outcomes);
        Assert.Equal(one.Hashes, many.Hashes);
        Assert.Equal(original.Count, one.Transactions);
        Assert.True(many.Transactions < original.Count / 2, $"the big batches really were batched ({many.Transactions} transactions for {original.Count} entries)");
        foreach (var (projection, _) in Tables) Assert.Equal(one.Documents[projection], many.Documents[projection]);

        using (var documents = HeerlenStore.Create(many.ConnectionString))
        {
            foreach (var (projection, _) in Tables) await ProjectionRebuilder.RebuildAsync(documents, Town.ChainId, projection, pageSize: 1);
        }
        var rebuilt = await DumpAsync(many.ConnectionString);
        foreach (var (projection, _) in Tables) Assert.Equal(many.Documents[projection], rebuilt[projection]);
        await town.StartSequencerAsync();
    }

    private sealed record Replayed(string ConnectionString, List<RejectionCode> Outcomes, List<string> Hashes, long Transactions, Dictionary<string, string> Documents);

    /// <summary>Sends the same envelopes to a fresh chain with the town's operator key, on a fixed clock.</summary>
    private async Task<Replayed> ReplayAsync(Town town, List<byte[]> envelopes, long nowMs, int batchMax, bool all)
    {
        string connectionString = await postgres.NewDatabaseAsync(nameof(ProjectionTests) + "_replay");
        var results = new List<SubmitResult>();
        using (var documents = HeerlenStore.Create(connectionString))
        {
            var store = new ChainStore(documents, Town.ChainId);
            var options = new SequencerOptions { BatchMax = batchMax, BatchWait = TimeSpan.FromMilliseconds(5), Blocks = new BlockPolicy(8, 60_000) };
            await using (var sequencer = await Sequencer.StartAsync(store, town.Operator, ManagedSchnorrVerifier.Instance, options, new FixedClock(nowMs)))
            {
                if (all) results.AddRange(await Task.WhenAll(envelopes.Select(e => sequencer.SubmitAsync(e)).ToList())); // queued in order, committed in big batches
                else foreach (byte[] e in envelopes) results.Add(await sequencer.SubmitAsync(e));
            }
            Assert.Equal(Enumerable.Range(0, envelopes.Count).Select(i => (long)i), results.Select(r => r.Height));
            await ReadModelDaemon.CatchUpOnceAsync(documents, TimeSpan.FromMinutes(1));
            var hashes = new List<string>();
            await foreach (var (_, e) in store.ReadEntriesAsync()) hashes.Add(e.Hash);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(DISTINCT xmin::text) FROM heerlen_munt.mt_events WHERE stream_id = @stream", connection);
            count.Parameters.AddWithValue("stream", ChainStreams.Entries(Town.ChainId));
            long transactions = (long)(await count.ExecuteScalarAsync())!;
            return new Replayed(connectionString, results.Select(r => r.Code).ToList(), hashes, transactions, await DumpAsync(connectionString));
        }
    }

    private sealed class FixedClock(long nowMs) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
    }

    /// <summary>Every document of every projection, as PostgreSQL's jsonb text, one per line, sorted by id.</summary>
    private static async Task<Dictionary<string, string>> DumpAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var dump = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (projection, table) in Tables)
        {
            await using var command = new NpgsqlCommand($"SELECT coalesce(string_agg(id || ' ' || data::text, E'\\n' ORDER BY id COLLATE \"C\"), '') FROM heerlen_munt.{table}", connection);
            dump[projection] = (string)(await command.ExecuteScalarAsync())!;
        }
        return dump;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<LedgerState> ReloadAsync(Town town)
    {
        var loaded = await ChainLoader.LoadAsync(town.Store, ManagedSchnorrVerifier.Instance);
        Assert.True(loaded.Intact, loaded.Report.ToString());
        return loaded.Report.State;
    }

    private static async Task<List<EntryFacts>> FactsAsync(Town town)
    {
        var facts = new List<EntryFacts>();
        await foreach (var (_, e) in town.Store.ReadEntriesAsync()) facts.Add(e.Facts);
        return facts;
    }

    /// <summary>
    /// A town at work: four residents, two shops, two budget lines, four jobs in two neighbourhoods (approved,
    /// rejected, cancelled), payments, a refund, a recorded rejection, a redemption and its settlement.
    /// </summary>
    private sealed class Community
    {
        public const string Groen = "groen-2026";

        public required SigningKey Anna { get; init; }

        public required SigningKey Bram { get; init; }

        public required SigningKey Cees { get; init; }

        public required SigningKey Dini { get; init; }

        public required SigningKey Bakker { get; init; }

        public required SigningKey Fietsenmaker { get; init; }

        public required JobId JobA { get; init; }

        public required JobId JobB { get; init; }

        public required JobId JobC { get; init; }

        public required JobId JobD { get; init; }

        public required CommandId AnnaFirstPayment { get; init; }

        public required long AnnaRewardHeight { get; init; }

        public required long AnnaFirstPaymentHeight { get; init; }

        public required long BramRejectedHeight { get; init; }

        public required long RefundHeight { get; init; }

        public required long RejectedPaymentHeight { get; init; }

        public static async Task<Community> BuildAsync(Town town)
        {
            var o1 = town.Officer1;
            var o2 = town.Officer2;
            Town.Ok(await town.SubmitAsync(new MintBudget(Groen, Amount.FromEuros(1_000)) { Header = town.Header(o1) }, o1));
            var bakker = await town.NewMerchantAsync();
            var fiets = await town.NewMerchantAsync();
            var anna = await town.NewResidentAsync();
            var bram = await town.NewResidentAsync();
            var cees = await town.NewResidentAsync();
            var dini = await town.NewResidentAsync();

            var jobA = await PublishAsync(town, Town.Budget, "straatmeubilair", "gms", 15, 2);
            var jobB = await PublishAsync(town, Groen, "groen", "heerlerheide", 20, 3);
            var jobC = await PublishAsync(town, Town.Budget, "zwerfafval", "gms", 10, 4);
            var jobD = await PublishAsync(town, Groen, "zwerfafval", "heerlerheide", 12, 1);

            Town.Ok(await town.SubmitAsync(new Enrol(jobA) { Header = town.Header(anna) }, anna));
            Town.Ok(await town.SubmitAsync(new SubmitCompletion(jobA, Hash32.Sha256([1])) { Header = town.Header(anna) }, anna));
            long annaReward = Town.Ok(await town.SubmitAsync(new ApproveCompletion(jobA, anna.PublicKey) { Header = town.Header(o2) }, o2)).Height;
            Town.Ok(await town.SubmitAsync(new Enrol(jobA) { Header = town.Header(bram) }, bram));
            Town.Ok(await town.SubmitAsync(new SubmitCompletion(jobA, Hash32.Sha256([2])) { Header = town.Header(bram) }, bram));
            long bramRejected = Town.Ok(await town.SubmitAsync(new RejectCompletion(jobA, bram.PublicKey, CompletionRejectionReason.WorkNotDone) { Header = town.Header(o2) }, o2)).Height;
            await town.EarnAsync(cees, jobB);
            await town.EarnAsync(dini, jobB);
            Town.Ok(await town.SubmitAsync(new Enrol(jobC) { Header = town.Header(anna) }, anna));
            Town.Ok(await town.SubmitAsync(new CancelJob(jobC) { Header = town.Header(o1) }, o1));
            await town.EarnAsync(bram, jobD);

            var first = CommandId.New();
            long annaFirst = Town.Ok(await town.SubmitAsync(new Pay(bakker.PublicKey, Amount.FromEuros(4, 50), null) { Header = town.Header(anna, first) }, anna)).Height;
            Town.Ok(await town.SubmitAsync(new Pay(bakker.PublicKey, Amount.FromEuros(3), null) { Header = town.Header(anna) }, anna));
            Town.Ok(await town.SubmitAsync(new Pay(fiets.PublicKey, Amount.FromEuros(12), null) { Header = town.Header(cees) }, cees));
            Town.Ok(await town.SubmitAsync(new Pay(bakker.PublicKey, Amount.FromEuros(7), PaymentRequestId.New()) { Header = town.Header(dini) }, dini));
            Town.Ok(await town.SubmitAsync(new Pay(fiets.PublicKey, Amount.FromEuros(5), null) { Header = town.Header(bram) }, bram));
            for (int i = 0; i < 8; i++)
                Town.Ok(await town.SubmitAsync(new Pay(fiets.PublicKey, new Amount(25), null) { Header = town.Header(anna) }, anna));
            long refund = Town.Ok(await town.SubmitAsync(new Refund(anna.PublicKey, first, Amount.FromEuros(1, 50)) { Header = town.Header(bakker) }, bakker)).Height;
            var rejected = await town.SubmitAsync(new Pay(fiets.PublicKey, Amount.FromEuros(1_000), null) { Header = town.Header(dini) }, dini);
            Assert.Equal(RejectionCode.InsufficientFunds, rejected.Code);
            var redemption = CommandId.New();
            Town.Ok(await town.SubmitAsync(new Redeem(Amount.FromEuros(10)) { Header = town.Header(bakker, redemption) }, bakker));
            Town.Ok(await town.SubmitAsync(new SettleRedemption(bakker.PublicKey, redemption, "HM-2026-0001") { Header = town.Header(o1) }, o1));

            await town.CatchUpAsync(); // history and statistics are folded by the async daemon
            return new Community
            {
                Anna = anna,
                Bram = bram,
                Cees = cees,
                Dini = dini,
                Bakker = bakker,
                Fietsenmaker = fiets,
                JobA = jobA,
                JobB = jobB,
                JobC = jobC,
                JobD = jobD,
                AnnaFirstPayment = first,
                AnnaRewardHeight = annaReward,
                AnnaFirstPaymentHeight = annaFirst,
                BramRejectedHeight = bramRejected,
                RefundHeight = refund,
                RejectedPaymentHeight = rejected.Height,
            };
        }

        private static async Task<JobId> PublishAsync(Town town, string budget, string category, string neighbourhood, long rewardEuros, ushort slots)
        {
            var job = JobId.New();
            Town.Ok(await town.SubmitAsync(new PublishJob(job, budget, category, neighbourhood, Amount.FromEuros(rewardEuros), slots, town.NowMs + 86_400_000) { Header = town.Header(town.Officer1) }, town.Officer1));
            return job;
        }
    }
}
