using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Sessions;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Server.Tests.Support;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.BackOffice;

/// <summary>
/// Job texts: an officer gives a job on the chain a title and description (off the chain, public); the board, the job,
/// the worker's list and the officer's queue show it in the caller's language, and the reward's history line names it.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class JobTextTests(ServerFixture fixture) : IDisposable
{
    private readonly MuntClient _client = fixture.Client("en");
    private readonly MuntClient _dutch = fixture.Client("nl");
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.Server.HttpUrl) };

    public void Dispose()
    {
        _client.Dispose();
        _dutch.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task an_officer_sets_a_text_and_the_board_shows_it_in_the_language_asked_for()
    {
        var officer = _client.As(fixture.Demo("officer-anouk"));
        var job = await PublishAsync();

        var saved = await officer.ReadAsync(o => _client.Jobs.SetJobTextAsync(new SetJobTextRequest
        {
            Job = job.ToString(),
            Title = "  Bankje schilderen  ",
            Description = "Twee lagen groen.",
            TitleEn = "Paint the bench",
            DescriptionEn = "Two coats of green.",
        }, o));

        Assert.Equal("Bankje schilderen", saved.Title); // trimmed
        Assert.Equal(1, saved.Version);
        Assert.Equal(officer.Account.ToString(), saved.UpdatedBy);
        Assert.True(saved.UpdatedAtMs > 0);
        var english = (await _client.CallAsync(o => _client.Jobs.ListJobsAsync(new ListJobsRequest { Neighbourhood = "gms", PageSize = 500 }, o), null)).Jobs.Single(j => j.Job_ == job.ToString());
        var dutch = (await _dutch.CallAsync(o => _dutch.Jobs.ListJobsAsync(new ListJobsRequest { Neighbourhood = "gms", PageSize = 500 }, o), null)).Jobs.Single(j => j.Job_ == job.ToString());
        Assert.Equal(("Paint the bench", "Two coats of green."), (english.Title, english.Description));
        Assert.Equal(("Bankje schilderen", "Twee lagen groen."), (dutch.Title, dutch.Description));
        Assert.Equal("Bankje schilderen", (await _dutch.CallAsync(o => _dutch.Jobs.GetJobAsync(new GetJobRequest { Job = job.ToString() }, o), null)).Job.Title);
        var both = await _client.CallAsync(o => _client.Jobs.GetJobTextAsync(new GetJobTextRequest { Job = job.ToString() }, o), null);
        Assert.Equal(("Bankje schilderen", "Paint the bench", "Two coats of green."), (both.Title, both.TitleEn, both.DescriptionEn));
    }

    [Fact]
    public async Task without_an_english_text_english_readers_get_the_dutch_one_and_without_any_text_an_empty_title()
    {
        var officer = _client.As(fixture.Demo("officer-anouk"));
        var job = await PublishAsync();
        Assert.Equal("", (await _client.CallAsync(o => _client.Jobs.GetJobAsync(new GetJobRequest { Job = job.ToString() }, o), null)).Job.Title);
        Assert.Equal("job_text_not_found", await Answers.OfAsync(() => _client.Jobs.GetJobTextAsync(new GetJobTextRequest { Job = job.ToString() }).ResponseAsync));

        await officer.ReadAsync(o => _client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = job.ToString(), Title = "Heg knippen", Description = "Met de grote schaar." }, o));

        var shown = (await _client.CallAsync(o => _client.Jobs.GetJobAsync(new GetJobRequest { Job = job.ToString() }, o), null)).Job;
        Assert.Equal(("Heg knippen", "Met de grote schaar."), (shown.Title, shown.Description));
    }

    [Fact]
    public async Task saving_again_makes_a_new_version_and_keeps_the_earlier_ones_with_who_saved_them()
    {
        var anouk = _client.As(fixture.Demo("officer-anouk"));
        var bas = _client.As(fixture.Demo("officer-bas"));
        var job = await PublishAsync();

        await anouk.ReadAsync(o => _client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = job.ToString(), Title = "Bankje schilderen" }, o));
        var second = await bas.ReadAsync(o => _client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = job.ToString(), Title = "Bankje schilderen bij de Schelmenhof" }, o));

        Assert.Equal(2, second.Version);
        Assert.Equal(bas.Account.ToString(), second.UpdatedBy);
        var versions = await fixture.Server.Runtime.JobTexts.VersionsAsync(job.ToString());
        Assert.Equal(["Bankje schilderen", "Bankje schilderen bij de Schelmenhof"], versions.Select(v => v.Title));
        Assert.Equal([anouk.Account.ToString(), bas.Account.ToString()], versions.Select(v => v.UpdatedBy));
        Assert.Equal("Bankje schilderen bij de Schelmenhof", (await _client.CallAsync(o => _client.Jobs.GetJobTextAsync(new GetJobTextRequest { Job = job.ToString() }, o), null)).Title);
    }

    [Fact]
    public async Task a_text_that_breaks_a_rule_is_refused_with_its_own_code_and_words_in_dutch_and_english()
    {
        var job = (await PublishAsync()).ToString();
        var officer = fixture.Demo("officer-anouk");
        async Task<MuntException> Refused(MuntClient client, SetJobTextRequest request) =>
            await Assert.ThrowsAsync<MuntException>(() => client.As(officer).ReadAsync(o => client.Jobs.SetJobTextAsync(request, o)));
        string eightyOne = new('a', 81);

        var empty = await Refused(_dutch, new SetJobTextRequest { Job = job, Title = "   ", Description = "Alleen een beschrijving." });
        var tooLong = await Refused(_client, new SetJobTextRequest { Job = job, Title = eightyOne });
        var englishTooLong = await Refused(_client, new SetJobTextRequest { Job = job, Title = "Goed", TitleEn = eightyOne });
        var description = await Refused(_dutch, new SetJobTextRequest { Job = job, Title = "Goed", Description = new string('b', 1001) });
        var twoLines = await Refused(_client, new SetJobTextRequest { Job = job, Title = "Twee\nregels" });
        var englishWithoutTitle = await Refused(_client, new SetJobTextRequest { Job = job, Title = "Goed", DescriptionEn = "Only a description." });

        Assert.Equal(("job_title_required", "Geef de klus een titel."), (empty.Reason, empty.LocalizedMessage));
        Assert.Equal(("job_title_too_long", "The title is too long. Use at most 80 characters."), (tooLong.Reason, tooLong.LocalizedMessage));
        Assert.Equal("job_title_too_long", englishTooLong.Reason);
        Assert.Equal(("job_description_too_long", "De beschrijving is te lang. Gebruik hoogstens 1000 tekens."), (description.Reason, description.LocalizedMessage));
        Assert.Equal("job_text_invalid", twoLines.Reason);
        Assert.Equal("job_text_invalid", englishWithoutTitle.Reason);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, empty.Status);
        // Exactly at the limits (80 characters, counted as characters: "é" is one), and a description with line breaks, is fine.
        var atLimit = await _client.As(officer).ReadAsync(o => _client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = job, Title = new string('é', 80), Description = "Regel een.\r\nRegel twee." + new string('c', 978) }, o));
        Assert.Equal(80, atLimit.Title.Length);
        Assert.Equal(1000, atLimit.Description.Length);
    }

    [Fact]
    public async Task a_text_for_a_job_that_is_not_on_the_chain_is_refused_with_job_not_found()
    {
        var officer = _client.As(fixture.Demo("officer-anouk"));

        var unknown = await Assert.ThrowsAsync<MuntException>(() => officer.ReadAsync(o => _client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = JobId.New().ToString(), Title = "Nergens" }, o)));
        var malformed = await Assert.ThrowsAsync<MuntException>(() => officer.ReadAsync(o => _client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = "klus-1", Title = "Nergens" }, o)));

        Assert.Equal("job_not_found", unknown.Reason);
        Assert.Equal("invalid_id", malformed.Reason);
    }

    [Fact]
    public async Task a_resident_a_shop_and_the_auditor_cannot_set_a_text()
    {
        var job = (await PublishAsync()).ToString();
        foreach (var name in new[] { "sanne", "bakkerij-bollen", "cbs", "issuer" })
        {
            var refused = await Assert.ThrowsAsync<MuntException>(() => _client.As(fixture.Demo(name)).ReadAsync(o => _client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = job, Title = "Van mij" }, o)));
            Assert.Equal("role_required", refused.Reason);
        }
        Assert.Equal("session_required", await Answers.OfAsync(() => _client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = job, Title = "Van niemand" }).ResponseAsync));
    }

    [Fact]
    public async Task the_reward_in_the_history_and_the_workers_jobs_carry_the_jobs_title()
    {
        var officer = _client.As(fixture.Demo("officer-anouk"));
        var job = await PublishAsync(Amount.FromEuros(15));
        await officer.ReadAsync(o => _client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = job.ToString(), Title = "Bankje schilderen", TitleEn = "Paint the bench" }, o));
        var wallet = Wallet.Create();
        var worker = _client.As(wallet);
        await worker.OpenAccountAsync();
        await worker.EnrolAsync(job);
        await worker.SubmitCompletionAsync(job, [0xFF, 0xD8, 1, 2, 3]);
        var queue = await officer.ReadAsync(o => _client.Jobs.ListCompletionsAsync(new ListCompletionsRequest { PageSize = 500 }, o));
        Assert.Contains(queue.Work, w => w.Job == job.ToString() && w.Title == "Paint the bench");
        await officer.ApproveAsync(job, wallet.Account);
        await fixture.Server.Runtime.Daemon.CatchUpAsync(TimeSpan.FromSeconds(30));

        var english = await worker.HistoryAsync();
        var dutch = await _dutch.As(wallet).HistoryAsync();
        var mine = await _dutch.As(wallet).MyJobsAsync();

        Assert.Equal("You got HM 15.00 for 'Paint the bench'.", english.Lines.First(l => l.Command == "ApproveCompletion").Description);
        Assert.Equal("Je kreeg HM 15,00 voor 'Bankje schilderen'.", dutch.Lines.First(l => l.Command == "ApproveCompletion").Description);
        Assert.Equal("Bankje schilderen", mine.Work.Single().Title);
    }

    [Fact]
    public async Task the_demo_jobs_have_dutch_and_english_titles_and_descriptions()
    {
        var dutch = await _dutch.CallAsync(o => _dutch.Jobs.ListJobsAsync(new ListJobsRequest { IncludeClosed = true, PageSize = 500 }, o), null);
        var english = await _client.CallAsync(o => _client.Jobs.ListJobsAsync(new ListJobsRequest { IncludeClosed = true, PageSize = 500 }, o), null);

        Assert.Contains(dutch.Jobs, j => j.Title == "Bankje schilderen bij de Schelmenhof" && j.Description.Length > 0);
        Assert.Contains(english.Jobs, j => j.Title == "Paint the bench at the Schelmenhof" && j.Description.Length > 0);
        // The demo's four jobs are the first published on the chain.
        var first = english.Jobs.OrderBy(j => j.PublishedAtMs).Take(4).ToDictionary(j => j.Job_);
        Assert.All(dutch.Jobs.Where(j => first.ContainsKey(j.Job_)), j =>
        {
            Assert.NotEmpty(j.Title);
            Assert.NotEmpty(j.Description);
            Assert.NotEqual(j.Title, first[j.Job_].Title);
        });
    }

    [Fact]
    public async Task through_json_an_officer_puts_a_text_and_the_board_shows_title_and_description()
    {
        var info = JsonNode.Parse(await _http.GetStringAsync("/v1/chain"))!;
        string chain = info["chainId"]!.GetValue<string>();
        var officer = fixture.Demo("officer-bas");
        string job = (await PublishAsync()).ToString();

        using var put = Request(HttpMethod.Put, $"/v1/jobs/{job}/text", officer, chain, new { title = "Speeltuin vegen", description = "Bladeren van de paden.", titleEn = "Sweep the playground", descriptionEn = "Leaves off the paths." });
        using var saved = await _http.SendAsync(put);
        var text = JsonNode.Parse(await saved.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(job, text["job"]!.GetValue<string>());
        Assert.Equal("Sweep the playground", text["titleEn"]!.GetValue<string>());
        Assert.Equal("Leaves off the paths.", text["descriptionEn"]!.GetValue<string>());
        Assert.Equal(1, text["version"]!.GetValue<int>());
        Assert.Equal(officer.Account.ToString(), text["updatedBy"]!.GetValue<string>());
        Assert.True(long.Parse(text["updatedAtMs"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        using var get = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{job}");
        get.Headers.Add("Accept-Language", "en-GB,en;q=0.8");
        using var detail = await _http.SendAsync(get);
        var shown = JsonNode.Parse(await detail.Content.ReadAsStringAsync())!["job"]!;
        Assert.Equal(("Sweep the playground", "Leaves off the paths."), (shown["title"]!.GetValue<string>(), shown["description"]!.GetValue<string>()));
        var fetched = JsonNode.Parse(await _http.GetStringAsync($"/v1/jobs/{job}/text"))!;
        Assert.Equal("Speeltuin vegen", fetched["title"]!.GetValue<string>());

        using var tooLong = Request(HttpMethod.Put, $"/v1/jobs/{job}/text", officer, chain, new { title = new string('x', 81) });
        using var refused = await _http.SendAsync(tooLong);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var details = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["details"]!.AsArray();
        Assert.Contains(details, d => d!["reason"]?.GetValue<string>() == "job_title_too_long");
        Assert.Contains(details, d => d!["locale"]?.GetValue<string>() == "nl" && d["message"]!.GetValue<string>() == "De titel is te lang. Gebruik hoogstens 80 tekens.");

        using var resident = Request(HttpMethod.Put, $"/v1/jobs/{job}/text", fixture.Demo("joep"), chain, new { title = "Van mij" });
        using var notAnOfficer = await _http.SendAsync(resident);
        Assert.Equal(HttpStatusCode.Forbidden, notAnOfficer.StatusCode);
    }

    private async Task<JobId> PublishAsync(Amount? reward = null)
    {
        var officer = _client.As(fixture.Demo("officer-anouk"));
        var (job, _) = await officer.PublishJobAsync(DemoCommunity.Budget, "straatmeubilair", "gms", reward ?? new Amount(100), 1, DateTimeOffset.UtcNow.AddDays(7));
        return job;
    }

    /// <summary>A request with an officer's (or anyone's) session, as the back office sends it; no Accept-Language: Dutch.</summary>
    private static HttpRequestMessage Request(HttpMethod method, string path, Wallet caller, string chain, object body)
    {
        var session = SessionToken.Create(chain, caller.Account, caller.Key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000, TimeSpan.FromMinutes(5));
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.ToText());
        return request;
    }
}
