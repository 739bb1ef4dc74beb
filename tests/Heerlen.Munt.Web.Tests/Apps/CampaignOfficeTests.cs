using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Heerlen.Munt.Web.Tests.Apps;

/// <summary>
/// Reward campaigns in the back office ("Acties"): the officer who pays for them sees each campaign's money and what it
/// paid, adds money from its budget line, and closes it — an ended campaign with money still in it first of all, since
/// that money goes back to the budget line only when someone closes it. A module opens the campaigns (SDK and the
/// reference module's key), as in docs/participation.md.
/// </summary>
public sealed class CampaignOfficeTests(WebServer server, Browser browser, ITestOutputHelper output) : BrowserTest(server, browser, output)
{
    private readonly List<string> _folders = [];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var folder in _folders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
    }

    private async Task<CampaignId> OpenAsync(string? name, DateTimeOffset closes)
    {
        string folder = CampaignSetup.NewFolder("munt-web-office-campaign-");
        _folders.Add(folder);
        return (await CampaignSetup.OpenAsync(Server, folder, name, Amount.FromEuros(1), closes)).Campaign;
    }

    private Task<Campaign> CampaignAsync(CampaignId campaign) =>
        Server.Client.As(Server.Wallet("officer-anouk")).ReadAsync(o => Server.Client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = campaign.ToString() }, o));

    [Fact]
    public async Task an_officer_funds_a_campaign_returns_an_ended_ones_money_and_stops_one_early_in_the_back_office()
    {
        // A sensitive campaign with HM 3 in it whose window ends in a few seconds, and a named one open for a day, unfunded.
        var ended = await OpenAsync(null, DateTimeOffset.UtcNow.AddSeconds(25)); // time for a cold start to open and fund it
        await Server.Client.As(Server.Wallet("officer-anouk")).FundCampaignAsync(ended, Amount.FromEuros(3));
        var open = await OpenAsync("wijkenquete-2026", DateTimeOffset.UtcNow.AddDays(1));
        for (var until = DateTime.UtcNow.AddSeconds(30); (await CampaignAsync(ended)).Status != CampaignStatus.Ended;)
        {
            Assert.True(DateTime.UtcNow < until, "the campaign's window did not end in 30 s");
            await Task.Delay(200);
        }

        var page = await NewDesktopPage();
        await AppFlows.AddKey(page, "/gemeente/", Server.DemoKeyFile["officer-anouk"].Phrase, "Anouk", "27461");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation)).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await AppFlows.Tab(page, "Acties", "Beloningsacties");

        // The ended campaign is first, says how much is waiting and where it goes; being sensitive, it has no name, but
        // the officer sees its budget line.
        var waiting = page.GetByRole(AriaRole.Region, new() { Name = "Voorbij, maar nog niet gesloten" }).Locator("li.card", new() { HasText = ended.ToString() });
        await Assertions.Expect(waiting).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(waiting.GetByRole(AriaRole.Heading, new() { Name = $"Gevoelige actie {ended.ToString()[..8]}…" })).ToBeVisibleAsync();
        await Assertions.Expect(waiting).ToContainTextAsync($"Er staat nog HM 3,00 in deze actie. Sluit de actie: dan gaat dat geld terug naar budgetpost \"{DemoCommunity.Budget}\".");
        await Assertions.Expect(waiting).ToContainTextAsync("Gevoelige actie: de naam staat nergens in het systeem.");
        var running = page.GetByRole(AriaRole.Region, new() { Name = "Lopende acties" }).Locator("li.card", new() { HasText = open.ToString() });
        await Assertions.Expect(running.GetByRole(AriaRole.Heading, new() { Name = "wijkenquete-2026" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(page, "back office: campaigns");
        await Screenshots.Save(page, "office-campaign-ended");

        // Adding money: a wrong amount is caught in the form, too much for the budget line is the ledger's refusal in
        // words, and a right amount says how many rewards it pays before it is sent.
        var amount = running.GetByLabel("Geld bijleggen bij wijkenquete-2026, in HM");
        await amount.FillAsync("twee");
        await running.GetByRole(AriaRole.Button, new() { Name = "Leg geld bij" }).ClickAsync();
        await Assertions.Expect(running.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Typ een bedrag" })).ToBeVisibleAsync();
        await amount.FillAsync("99999");
        await running.GetByRole(AriaRole.Button, new() { Name = "Leg HM 99.999,00 bij" }).ClickAsync();
        await Assertions.Expect(running.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Er is niet genoeg geld meer in dit budget." })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        Assert.Equal(0, (await CampaignAsync(open)).FundsCents);
        await Accessibility.AssertNoSeriousViolations(page, "back office: campaigns, funding refused");
        await amount.FillAsync("2,50");
        await Assertions.Expect(running).ToContainTextAsync("Dit is genoeg voor 2 beloningen.");
        await running.GetByRole(AriaRole.Button, new() { Name = "Leg HM 2,50 bij" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "HM 2,50 bijgelegd bij wijkenquete-2026." })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(running).ToContainTextAsync("(genoeg voor 2 beloningen)", new() { Timeout = AppFlows.ChainWaitMs });
        Assert.Equal(250, (await CampaignAsync(open)).FundsCents);

        // Closing the ended one puts its HM 3 back on the budget line; it moves to "Gesloten".
        var budgetsBefore = await BudgetsCentsAsync();
        await waiting.GetByRole(AriaRole.Button, new() { Name = "Sluit de actie en zet HM 3,00 terug" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"is gesloten. Wat over was, staat weer op budgetpost \"{DemoCommunity.Budget}\"." })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        var closed = page.GetByRole(AriaRole.Region, new() { Name = "Gesloten" }).Locator("li.card", new() { HasText = ended.ToString() });
        await Assertions.Expect(closed).ToContainTextAsync("Gesloten. Wat over was, staat weer op de budgetpost.");
        var afterClose = await CampaignAsync(ended);
        Assert.Equal((CampaignStatus.Closed, 0L), (afterClose.Status, afterClose.FundsCents));
        Assert.Equal(budgetsBefore + 300, await BudgetsCentsAsync());

        // Stopping a running one asks first; "no" keeps it running, "yes" closes it and returns its HM 2,50.
        await running.GetByRole(AriaRole.Button, new() { Name = "Actie nu stoppen" }).ClickAsync();
        await Assertions.Expect(running).ToContainTextAsync("Zeker weten? Bonnen die nog niet zijn ingeleverd, betalen daarna nooit meer. Wat over is (HM 2,50), gaat terug naar de budgetpost.");
        await Accessibility.AssertNoSeriousViolations(page, "back office: campaigns, stop early?");
        await running.GetByRole(AriaRole.Button, new() { Name = "Nee, laat lopen" }).ClickAsync();
        await Assertions.Expect(running.GetByRole(AriaRole.Button, new() { Name = "Actie nu stoppen" })).ToBeVisibleAsync();
        await Assertions.Expect(running).ToContainTextAsync("Loopt: betaalt beloningen.");
        Assert.Equal(CampaignStatus.Open, (await CampaignAsync(open)).Status);
        await running.GetByRole(AriaRole.Button, new() { Name = "Actie nu stoppen" }).ClickAsync();
        await running.GetByRole(AriaRole.Button, new() { Name = "Ja, stop de actie" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "wijkenquete-2026 is gesloten." })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        var stopped = await CampaignAsync(open);
        Assert.Equal((CampaignStatus.Closed, 0L), (stopped.Status, stopped.FundsCents));

        // The overview counts what campaigns hold among what the city owes.
        await AppFlows.Tab(page, "Overzicht", "Overzicht: wat de gemeente verschuldigd is");
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "In beloningsacties" })).ToBeVisibleAsync();
    }

    private async Task<long> BudgetsCentsAsync() =>
        (await Server.Client.As(Server.Wallet("officer-anouk")).ReadAsync(o => Server.Client.Statistics.GetLiabilitiesAsync(new GetLiabilitiesRequest(), o))).BudgetsCents;
}
