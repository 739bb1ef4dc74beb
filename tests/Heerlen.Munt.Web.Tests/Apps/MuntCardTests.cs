using System.Text.RegularExpressions;
using Heerlen.Munt.Client;
using Heerlen.Munt.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Heerlen.Munt.Web.Tests.Apps;

/// <summary>
/// The assisted route for residents without a smartphone: two officers at the counter make a munt card (the resident's
/// PIN, a daily limit), the till takes it with the PIN typed there, the ledger stops a payment over the daily limit, a
/// lost card is blocked, and two officers replace it — the old card is dead, the new one pays from the same balance.
/// </summary>
public sealed class MuntCardTests(WebServer server, Browser browser, ITestOutputHelper output) : BrowserTest(server, browser, output)
{
    private const string CardPin = "73915";
    private const string NewCardPin = "84216";

    [Fact]
    public async Task a_munt_card_pays_at_the_till_within_its_daily_limit_and_a_lost_card_is_blocked_and_replaced_by_two_officers()
    {
        // Two officers keep their keys on the counter's computer; Bas is signed in, Anouk co-signs.
        var office = await NewDesktopPage();
        await AppFlows.AddKey(office, "/gemeente/", Server.DemoKeyFile["officer-anouk"].Phrase, "Anouk", "27461");
        await Assertions.Expect(office.GetByText("Ingelogd als Anouk")).ToBeVisibleAsync();
        await office.GetByRole(AriaRole.Button, new() { Name = "Afsluiten" }).ClickAsync();
        await AppFlows.AddAnotherKey(office, Server.DemoKeyFile["officer-bas"].Phrase, "Bas", "39152");
        await Assertions.Expect(office.GetByText("Ingelogd als Bas")).ToBeVisibleAsync();

        await AppFlows.Tab(office, "Bewoners", "Bewoners");
        await Accessibility.AssertNoSeriousViolations(office, "back office: residents and munt cards");
        var make = office.Locator("form", new() { Has = office.GetByRole(AriaRole.Heading, new() { Name = "Munt-kaart maken" }) });
        await make.GetByLabel("Daglimiet in HM").FillAsync("5");
        await make.GetByLabel("Pincode (de bewoner typt)").FillAsync(CardPin);
        await make.GetByLabel("Pincode nog een keer").FillAsync(CardPin);
        await make.GetByRole(AriaRole.Button, new() { Name = "Maak de kaart" }).ClickAsync();
        var (payload, account) = await PrintedCard(office);
        await Accessibility.AssertNoSeriousViolations(office, "back office: the printable munt card");
        await Screenshots.Save(office, "office-munt-card");
        Assert.StartsWith("hmc1.", payload, StringComparison.Ordinal);
        await office.GetByRole(AriaRole.Button, new() { Name = "Terug" }).ClickAsync();

        // The card's key never reached the server. At the counter the card holder takes a job and later reports it
        // done: Bas opens the card, the resident types the PIN, and the card's own key signs; Anouk approves.
        var (_, cardAccount) = MuntCard.Open(payload, CardPin);
        Assert.Equal(account, cardAccount.ToString());
        long earned = await EarnAtTheCounter(office, payload);

        // At the till: HM 3,00 with the card and the customer's PIN; the till turns green.
        var till = await NewDesktopPage();
        await AppFlows.AddKey(till, "/kassa/", Server.DemoKeyFile["fietsenmaker-fons"].Phrase, "Fons", "55821");
        await PayWithCard(till, "3,00", payload, CardPin);
        await Assertions.Expect(till.GetByRole(AriaRole.Heading, new() { Name = "Betaald" })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Screenshots.Save(till, "till-card-paid");
        await till.GetByRole(AriaRole.Button, new() { Name = "Nieuwe betaling" }).ClickAsync();

        // HM 2,50 more today is over the HM 5,00 limit: the ledger says no, in words, and the till keeps waiting.
        await PayWithCard(till, "2,50", payload, CardPin);
        await Assertions.Expect(till.GetByText("daglimiet", new() { Exact = false })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(till.GetByText("Wacht op betaling")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(till, "till: munt card refused over its daily limit");
        await Screenshots.Save(till, "till-card-limit");
        await till.GetByRole(AriaRole.Button, new() { Name = "Stop deze betaling" }).ClickAsync();

        // Lost: blocked at once.
        var block = office.Locator("form", new() { Has = office.GetByRole(AriaRole.Heading, new() { Name = "Kaart kwijt: blokkeren" }) });
        await block.GetByLabel("Code van het account (hm1…)").FillAsync(payload); // the card's QR code names its account
        await block.GetByRole(AriaRole.Button, new() { Name = "Blokkeer" }).ClickAsync();
        await Assertions.Expect(block.GetByText("Geblokkeerd.")).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });

        await PayWithCard(till, "1,00", payload, CardPin);
        await Assertions.Expect(till.Locator("form .error")).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        Output.WriteLine("blocked card at the till: " + await till.Locator("form .error").InnerTextAsync());
        await till.GetByRole(AriaRole.Button, new() { Name = "Stop deze betaling" }).ClickAsync();

        // Replaced by two officers: a new key for the same account, unblocked, a new card printed.
        var replace = office.Locator("form", new() { Has = office.GetByRole(AriaRole.Heading, new() { Name = "Nieuwe kaart voor een geblokkeerd account" }) });
        await replace.GetByLabel("Code van het account (hm1…)").FillAsync(account);
        await replace.GetByLabel("Daglimiet in HM").FillAsync("5");
        await replace.GetByLabel("Pincode (de bewoner typt)").FillAsync(NewCardPin);
        await replace.GetByLabel("Pincode nog een keer").FillAsync(NewCardPin);
        await replace.GetByLabel("Tweede medewerker", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Anouk" });
        await replace.GetByLabel("Pincode van de tweede medewerker").FillAsync("27461");
        await replace.GetByRole(AriaRole.Button, new() { Name = "Maak de nieuwe kaart" }).ClickAsync();
        var (newPayload, sameAccount) = await PrintedCard(office);
        Assert.Equal(account, sameAccount);
        Assert.NotEqual(payload, newPayload);

        // The old card can never sign again; the new one pays HM 1,00 (HM 3,00 of today's HM 5,00 was used).
        await PayWithCard(till, "1,00", payload, CardPin);
        await Assertions.Expect(till.Locator("form .error")).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        Output.WriteLine("old card after the replacement: " + await till.Locator("form .error").InnerTextAsync());
        await till.GetByLabel("Code van de kaart").FillAsync(newPayload);
        await till.GetByLabel("Pincode van de klant").FillAsync(NewCardPin);
        await till.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Betaal HM 1,00 met de kaart") }).ClickAsync();
        await Assertions.Expect(till.GetByRole(AriaRole.Heading, new() { Name = "Betaald" })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });

        var balance = await Server.Client.As(Wallet.FromSecret(Convert.ToHexString(MuntCard.Open(newPayload, NewCardPin).Secret), cardAccount)).BalanceAsync();
        Assert.Equal(earned - 300 - 100, balance.BalanceCents);
        AssertNoPageErrors();
    }

    /// <summary>The printable card on screen: its QR code's content (the sealed key) and the account id printed on it.</summary>
    private static async Task<(string Payload, string Account)> PrintedCard(IPage office)
    {
        var card = office.Locator(".munt-card");
        await Assertions.Expect(card).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        string payload = await card.Locator("svg.qr").GetAttributeAsync("data-content") ?? "";
        string account = (await card.Locator("p.code").InnerTextAsync()).Trim();
        return (payload, account);
    }

    private static async Task PayWithCard(IPage till, string amount, string payload, string pin)
    {
        await till.GetByLabel("Bedrag in HM").FillAsync(amount);
        await till.GetByRole(AriaRole.Button, new() { Name = "Vraag betaling" }).ClickAsync();
        await till.GetByRole(AriaRole.Button, new() { Name = "Klant heeft een munt-kaart" }).ClickAsync();
        await till.GetByLabel("Code van de kaart").FillAsync(payload);
        await till.GetByLabel("Pincode van de klant").FillAsync(pin);
        await till.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^Betaal HM {Regex.Escape(amount)} met de kaart") }).ClickAsync();
    }

    /// <summary>
    /// In the back office: open the card (PIN typed by the resident), enrol in a job, send the photo, close the card;
    /// then the other officer approves it. Returns the reward.
    /// </summary>
    private async Task<long> EarnAtTheCounter(IPage office, string payload)
    {
        var assist = office.Locator("form", new() { Has = office.GetByRole(AriaRole.Heading, new() { Name = "Klus voor een kaarthouder" }) });
        await assist.GetByLabel("Code van de kaart").FillAsync(payload);
        await assist.GetByLabel("Pincode (de bewoner typt)").FillAsync(CardPin);
        await assist.GetByRole(AriaRole.Button, new() { Name = "Open de kaart" }).ClickAsync();
        var open = office.Locator("section", new() { Has = office.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Kaarthouder hm1") }) });
        var job = open.Locator("li.card", new() { Has = office.GetByRole(AriaRole.Button, new() { Name = "Ik doe mee" }) }).First;
        await Assertions.Expect(job).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        string title = (await job.GetByRole(AriaRole.Heading).InnerTextAsync()).Trim();
        await job.GetByRole(AriaRole.Button, new() { Name = "Ik doe mee" }).ClickAsync();
        var work = open.Locator("li.card", new() { HasText = title, Has = office.GetByLabel("Foto van de klaar klus") });
        await Assertions.Expect(work).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Accessibility.AssertNoSeriousViolations(office, "back office: a job for a card holder");
        await Screenshots.Save(office, "office-card-holder-job");
        await work.GetByLabel("Foto van de klaar klus").SetInputFilesAsync(new FilePayload { Name = "plantsoen.png", MimeType = "image/png", Buffer = TestImage.Png(40, 30) });
        await work.GetByRole(AriaRole.Button, new() { Name = "Stuur foto" }).ClickAsync();
        await Assertions.Expect(open.GetByText(new Regex("Verstuurd|De gemeente kijkt ernaar")).First).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await open.GetByRole(AriaRole.Button, new() { Name = "Sluit de kaart" }).ClickAsync();

        // Four eyes: Anouk, not Bas who helped, approves.
        await office.GetByRole(AriaRole.Button, new() { Name = "Afsluiten" }).ClickAsync();
        await office.GetByLabel("Wie bent u?").SelectOptionAsync(new SelectOptionValue { Label = "Anouk" });
        await office.GetByLabel("Pincode", new() { Exact = true }).FillAsync("27461");
        await office.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await AppFlows.Tab(office, "Beoordelen", "Klussen beoordelen");
        var review = office.Locator("li.card", new() { HasText = title }).Filter(new() { HasText = (await CardAccountPrefix(payload)) });
        var approve = review.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Goedkeuren en (HM [0-9.,]+) betalen") });
        string label = await approve.InnerTextAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await approve.ClickAsync();
        await Assertions.Expect(office.GetByText("Goedgekeurd en betaald.")).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        var m = Regex.Match(label, "HM ([0-9]+),([0-9]{2})");
        long reward = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 100 + long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Output.WriteLine($"the card earned {reward} cents with '{title}' at the counter");

        // Back to Bas for the rest of the story.
        await office.GetByRole(AriaRole.Button, new() { Name = "Afsluiten" }).ClickAsync();
        await office.GetByLabel("Wie bent u?").SelectOptionAsync(new SelectOptionValue { Label = "Bas" });
        await office.GetByLabel("Pincode", new() { Exact = true }).FillAsync("39152");
        await office.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await AppFlows.Tab(office, "Bewoners", "Bewoners");
        return reward;
    }

    private static Task<string> CardAccountPrefix(string payload) => Task.FromResult(MuntCard.Account(payload).ToString()[..14]);
}
