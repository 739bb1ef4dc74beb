using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Server.Tests.Support;

namespace Heerlen.Munt.Server.Tests.Reads;

/// <summary>Reads that are not simply "own data only": receipts, photos, statistics.</summary>
[Collection(ServerCollection.Name)]
public sealed class ReadRulesTests(ServerFixture fixture)
{
    [Fact]
    public async Task a_resident_can_fetch_an_entry_they_are_a_party_to_but_not_someone_elses()
    {
        using var client = fixture.Client();
        var resident = client.As(Client.Wallet.Create());
        var opened = await resident.OpenAccountAsync();
        var other = client.As(Client.Wallet.Create());
        var theirs = await other.OpenAccountAsync();

        var entry = await resident.ReadAsync(o => client.Ledger.GetEntryAsync(new GetEntryRequest { Height = opened.Height }, o));
        Assert.Equal(opened.EntryHash, entry.Hash);
        var refused = await Assert.ThrowsAsync<MuntException>(() => resident.ReadAsync(o => client.Ledger.GetEntryAsync(new GetEntryRequest { Height = theirs.Height }, o)));
        Assert.Equal("role_required", refused.Reason);
    }

    [Fact]
    public async Task a_photo_is_taken_only_from_an_account_with_a_job_to_report()
    {
        using var client = fixture.Client();
        var resident = client.As(Client.Wallet.Create());
        await resident.OpenAccountAsync();
        var upload = new UploadJobPhotoRequest { Account = resident.Account.ToString(), ContentType = "image/jpeg", Photo = Google.Protobuf.ByteString.CopyFrom([1, 2, 3]) };
        var refused = await Assert.ThrowsAsync<MuntException>(() => resident.ReadAsync(o => client.People.UploadJobPhotoAsync(upload, o)));
        Assert.Equal("photo_not_expected", refused.Reason);

        var board = await client.Jobs.ListJobsAsync(new ListJobsRequest { Neighbourhood = "centrum" });
        await resident.EnrolAsync(Ledger.Commands.JobId.Parse(board.Jobs.First(j => j.FreeSlots > 0).Job_));
        var stored = await resident.ReadAsync(o => client.People.UploadJobPhotoAsync(upload, o));
        Assert.Equal(64, stored.EvidenceHash.Length);
    }

    [Fact]
    public async Task the_officers_queue_and_my_jobs_come_in_pages_that_join_without_gaps_or_repeats()
    {
        using var client = fixture.Client();
        var officer = client.As(fixture.Demo("officer-anouk"));
        var resident = client.As(Client.Wallet.Create());
        await resident.OpenAccountAsync();
        await officer.MintBudgetAsync("pagina", Ledger.Money.Amount.FromEuros(10));
        for (int i = 0; i < 3; i++)
        {
            var (job, _) = await officer.PublishJobAsync("pagina", "zwerfafval", "gms", Ledger.Money.Amount.FromEuros(1), 1, DateTimeOffset.UtcNow.AddDays(1));
            await resident.EnrolAsync(job);
            await resident.SubmitCompletionAsync(job, [(byte)i]);
        }

        var queue = new List<string>();
        long after = 0;
        do
        {
            var page = await officer.ReadAsync(o => client.Jobs.ListCompletionsAsync(new ListCompletionsRequest { PageSize = 2, AfterHeight = after }, o));
            Assert.True(page.Work.Count <= 2);
            queue.AddRange(page.Work.Select(w => w.Job + "/" + w.Worker));
            after = page.NextAfterHeight;
        }
        while (after != 0);
        Assert.Equal(queue.Count, queue.Distinct().Count());
        Assert.Equal(3, queue.Count(w => w.EndsWith(resident.Account.ToString(), StringComparison.Ordinal)));

        var first = await resident.ReadAsync(o => client.Jobs.ListMyJobsAsync(new ListMyJobsRequest { Account = resident.Account.ToString(), PageSize = 2 }, o));
        Assert.Equal(2, first.Work.Count);
        var second = await resident.ReadAsync(o => client.Jobs.ListMyJobsAsync(new ListMyJobsRequest { Account = resident.Account.ToString(), PageSize = 2, BeforeHeight = first.NextBeforeHeight }, o));
        Assert.Single(second.Work);
        Assert.Equal(0, second.NextBeforeHeight);
        Assert.Equal(3, first.Work.Concat(second.Work).Select(w => w.Job).Distinct().Count());
    }

    [Fact]
    public async Task the_auditor_gets_week_figures_with_counts_of_few_persons_withheld()
    {
        using var client = fixture.Client();
        var auditor = client.As(fixture.Demo("cbs"));
        await fixture.Server.Runtime.Daemon.CatchUpAsync(TimeSpan.FromSeconds(30));
        string week = Ledger.Facts.HeerlenCalendar.IsoWeek(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var figures = await auditor.ReadAsync(o => client.Statistics.GetWeekFiguresAsync(new GetWeekFiguresRequest { Area = "heerlen", FromWeek = week, ToWeek = week }, o));
        var city = Assert.Single(figures.Weeks);
        Assert.True(city.JobsPublished >= 4);
        Assert.Equal(-1, city.DistinctEarners); // fewer than 10 earners: withheld
        Assert.True(figures.AsOfHeight > 0);

        var none = await auditor.ReadAsync(o => client.Statistics.GetWeekFiguresAsync(new GetWeekFiguresRequest { Area = "heerlen", FromWeek = "2020-W01", ToWeek = "2020-W10" }, o));
        Assert.Empty(none.Weeks);
        foreach (var bad in new[] { "2026-W54", "2026-48", "W48", "2026-W00" })
        {
            var refused = await Assert.ThrowsAsync<MuntException>(() => auditor.ReadAsync(o => client.Statistics.GetWeekFiguresAsync(new GetWeekFiguresRequest { FromWeek = bad }, o)));
            Assert.Equal("invalid_argument", refused.Reason);
        }
    }

    [Fact]
    public async Task a_submit_that_gives_up_hands_back_the_signed_command_to_send_again()
    {
        // A server that is not there: every attempt fails as unavailable; the exception carries the command.
        using var client = new MuntClient("http://127.0.0.1:1", new MuntClientOptions { SubmitAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10) });
        var wallet = Client.Wallet.Create();
        var command = Ledger.Commands.SignedCommand.Create(new Ledger.Commands.OpenAccount { Header = new("heerlen-munt/demo", Ledger.Commands.CommandId.New(), wallet.Account, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds()) }, wallet.Key);
        var failed = await Assert.ThrowsAsync<MuntException>(() => client.SubmitAsync(command));
        Assert.True(failed.IsTransient);
        Assert.Same(command, failed.Unsettled);

        // Sent again to the real server, it is stored once.
        using var real = fixture.Client();
        var first = await real.SubmitAsync(failed.Unsettled!);
        var again = await real.SubmitAsync(failed.Unsettled!);
        Assert.True(again.WasRetry);
        Assert.Equal(first.Height, again.Height);
    }
}
