using System.Text.RegularExpressions;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Heerlen.Munt.Web.Tests.Apps;

/// <summary>
/// Every main screen of every app, on a phone and on a desktop: it loads its data without an error notice, passes axe
/// (no serious or critical WCAG 2.1 AA violation) and is saved as the picture docs/apps.md shows. And each app speaks
/// English on request, just as accessibly, and switches back.
/// </summary>
public sealed class ScreenTests(WebServer server, Browser browser, ITestOutputHelper output) : BrowserTest(server, browser, output)
{
    [Theory]
    [InlineData(PageKind.Phone)]
    [InlineData(PageKind.Desktop)]
    public async Task every_screen_of_the_resident_app_loads_and_passes_axe(PageKind kind)
    {
        var page = await NewPage(kind);
        string[] words = await AppFlows.OnboardResident(page, "52817");
        await TakeAJob(Heerlen.Munt.Client.Wallet.Restore(string.Join(' ', words)));

        await Check(page, "resident: job board", "resident-jobs");
        await AppFlows.Tab(page, "Mijn klussen", "Mijn klussen");
        await Check(page, "resident: my jobs", "resident-my-jobs");
        await AppFlows.Tab(page, "Betalen", "Betalen in een winkel");
        await Check(page, "resident: pay", "resident-pay");
        await AppFlows.Tab(page, "Saldo", "Uw munten");
        await Check(page, "resident: balance and history", "resident-history");
        await AppFlows.Tab(page, "Beloning", "Beloning ophalen");
        await Check(page, "resident: reward", "resident-reward");
        await AppFlows.Tab(page, "Ik", "Ik");
        await Check(page, "resident: me", "resident-me");
    }

    [Theory]
    [InlineData(PageKind.Phone)]
    [InlineData(PageKind.Desktop)]
    public async Task every_screen_of_the_till_loads_and_passes_axe_and_so_does_its_unlock_screen(PageKind kind)
    {
        var page = await NewPage(kind);
        await AppFlows.AddKey(page, "/kassa/", Server.DemoKeyFile["bakkerij-bollen"].Phrase, "Bakkerij", "64152");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Betaling vragen", Level = 1 })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Check(page, "till: amount", "till-amount");
        await AppFlows.Tab(page, "Vandaag", "Vandaag");
        await Check(page, "till: today", "till-today");
        await AppFlows.Tab(page, "Inwisselen", "Munten inwisselen voor euro’s");
        await Check(page, "till: redeem", "till-redeem");

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inloggen", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Bakkerij", new() { Exact = true })).ToBeVisibleAsync();
        await Check(page, "till: unlock with the PIN", "unlock");
    }

    [Theory]
    [InlineData(PageKind.Phone)]
    [InlineData(PageKind.Desktop)]
    public async Task every_screen_of_the_back_office_loads_and_passes_axe(PageKind kind)
    {
        await RedeemACent("bakkerij-bollen"); // so "Uitbetalen" has a payout to show, read per shop
        var page = await NewPage(kind);
        await AppFlows.AddKey(page, "/gemeente/", Server.DemoKeyFile["officer-anouk"].Phrase, "Anouk", "27461");
        (string Link, string Heading, string Name)[] tabs =
        [
            ("Klussen", "Klussen", "office-jobs"),
            ("Beoordelen", "Klussen beoordelen", "office-review"),
            ("Budget", "Budget maken", "office-budget"),
            ("Winkels", "Winkels", "office-shops"),
            ("Uitbetalen", "Uitbetalen aan winkels", "office-payouts"),
            ("Bewoners", "Bewoners", "office-residents"),
            ("Acties", "Beloningsacties", "office-campaigns"),
            ("Overzicht", "Overzicht: wat de gemeente verschuldigd is", "office-overview"),
        ];
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation)).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        foreach (var (link, heading, name) in tabs)
        {
            await AppFlows.Tab(page, link, heading);
            await Check(page, $"back office: {link}", name);
        }
        // The tabs that read lists show what they read.
        await AppFlows.Tab(page, "Winkels", "Winkels");
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToBeVisibleAsync();
        await AppFlows.Tab(page, "Overzicht", "Overzicht: wat de gemeente verschuldigd is");
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync("HM");
        await AppFlows.Tab(page, "Uitbetalen", "Uitbetalen aan winkels");
        await Assertions.Expect(page.GetByLabel(new Regex("^Kenmerk van de overschrijving van HM")).First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator(".notice.error").CountAsync());
    }

    [Theory]
    [InlineData(PageKind.Phone)]
    [InlineData(PageKind.Desktop)]
    public async Task the_auditors_dashboard_loads_and_passes_axe(PageKind kind)
    {
        var page = await NewPage(kind);
        await AppFlows.AddKey(page, "/controle/", Server.DemoKeyFile["cbs"].Phrase, "CBS", "61734");
        await Assertions.Expect(page.GetByText("De handtekening van het controlepunt klopt")).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Check(page, "auditor dashboard", "audit-dashboard");
    }

    [Theory]
    [InlineData("/app/", "Welkom bij Heerlen Munt", "Welcome to Heerlen Munt")]
    [InlineData("/kassa/", "Sleutel toevoegen aan dit apparaat", "Add a key to this device")]
    [InlineData("/gemeente/", "Sleutel toevoegen aan dit apparaat", "Add a key to this device")]
    [InlineData("/controle/", "Sleutel toevoegen aan dit apparaat", "Add a key to this device")]
    public async Task each_app_switches_to_english_and_back(string path, string dutch, string english)
    {
        var page = await NewPhonePage();
        await page.GotoAsync(path);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = dutch, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = english, Level = 1 })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(page, $"{path} in English");

        await page.GetByRole(AriaRole.Button, new() { Name = "Nederlands" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = dutch, Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>The screen has finished loading (no "please wait" left in main), shows no error, passes axe, and is saved.</summary>
    private static async Task Check(IPage page, string screen, string screenshot)
    {
        await Assertions.Expect(page.Locator("main .busy")).ToHaveCountAsync(0, new() { Timeout = AppFlows.ChainWaitMs });
        var errors = page.Locator(".notice.error");
        Assert.True(await errors.CountAsync() == 0, $"{screen} shows an error: {string.Join(" | ", await errors.AllInnerTextsAsync())}");
        await Accessibility.AssertNoSeriousViolations(page, screen);
        await Screenshots.Save(page, screenshot);
    }

    /// <summary>A shop hands in one cent for euros (through the SDK): an open payout for the back office.</summary>
    private async Task RedeemACent(string shop)
    {
        var actor = Server.Client.As(Server.Wallet(shop));
        if ((await actor.BalanceAsync()).BalanceCents > 0) await actor.RedeemAsync(new Amount(1));
    }

    /// <summary>The resident takes a place in an open job (through the SDK), so "my jobs" has something to show.</summary>
    private async Task TakeAJob(Heerlen.Munt.Client.Wallet wallet)
    {
        var board = await Server.Client.Jobs.ListJobsAsync(new ListJobsRequest { PageSize = 500 });
        var job = board.Jobs.FirstOrDefault(j => j.FreeSlots > 0);
        if (job is not null) await Server.Client.As(wallet).EnrolAsync(JobId.Parse(job.Job_));
    }
}
