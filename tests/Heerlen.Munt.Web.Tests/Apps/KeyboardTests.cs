using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Heerlen.Munt.Web.Tests.Apps;

/// <summary>
/// The resident's app used without a mouse, on a phone: Tab to move, Enter to act, typing into the fields. Every new
/// screen puts the keyboard's focus on its heading, so a screen reader starts reading there and Tab starts from there.
/// </summary>
public sealed class KeyboardTests(WebServer server, Browser browser, ITestOutputHelper output) : BrowserTest(server, browser, output)
{
    private const string ResidentPin = "73916";

    [Fact]
    public async Task onboarding_can_be_done_with_the_keyboard_alone()
    {
        var phone = await NewPhonePage();

        string[] words = await OnboardByKeyboard(phone, ResidentPin);

        Assert.Equal(12, words.Length);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task paying_at_the_till_can_be_done_with_the_keyboard_alone()
    {
        var phone = await NewPhonePage();
        string[] words = await OnboardByKeyboard(phone, ResidentPin);
        await AppFlows.EarnWithAJob(Server, Heerlen.Munt.Client.Wallet.Restore(string.Join(' ', words)));

        // The till may use the mouse: only the resident's path is the point here.
        var till = await NewDesktopPage();
        await AppFlows.AddKey(till, "/kassa/", Server.DemoKeyFile["fietsenmaker-fons"].Phrase, "Fietsenmaker", "38264");
        await Assertions.Expect(till.GetByRole(AriaRole.Heading, new() { Name = "Betaling vragen" })).ToBeVisibleAsync();
        await till.GetByLabel("Bedrag in HM").FillAsync("2,00");
        await till.GetByRole(AriaRole.Button, new() { Name = "Vraag betaling" }).ClickAsync();
        var shortCode = till.Locator(".short-code");
        await Assertions.Expect(shortCode).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        string code = (await shortCode.InnerTextAsync()).Trim();

        await KeyboardOnly.Activate(phone, "Betalen");
        await ExpectFocusOnHeading(phone, "Betalen in een winkel");
        await KeyboardOnly.TabTo(phone, "Code van de kassa");
        await phone.Keyboard.TypeAsync(code);
        await phone.Keyboard.PressAsync("Enter");

        await ExpectFocusOnHeading(phone, "Klopt dit?");
        await Assertions.Expect(phone.Locator("main")).ToContainTextAsync("HM 2,00");
        await KeyboardOnly.TabTo(phone, "Typ uw pincode om te betalen");
        await phone.Keyboard.TypeAsync(ResidentPin);
        await phone.Keyboard.PressAsync("Enter");

        await ExpectFocusOnHeading(phone, "Betaald");
        await Assertions.Expect(till.GetByRole(AriaRole.Heading, new() { Name = "Betaald" })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(till.Locator(".paid")).ToContainTextAsync("HM 2,00");
        AssertNoPageErrors();
    }

    /// <summary>Onboarding at /app/ by keyboard alone; the words are read from the screen, as a person reads them. Returns them.</summary>
    private static async Task<string[]> OnboardByKeyboard(IPage phone, string pin)
    {
        await phone.GotoAsync("/app/");
        await ExpectFocusOnHeading(phone, "Welkom bij Heerlen Munt");
        await KeyboardOnly.Activate(phone, "Maak mijn portemonnee");

        await ExpectFocusOnHeading(phone, "Schrijf deze 12 woorden op");
        var words = (await phone.Locator("ol.words li").AllInnerTextsAsync()).Select(w => w.Trim()).ToArray();
        Assert.Equal(12, words.Length);
        await KeyboardOnly.Activate(phone, "Ik heb ze opgeschreven");

        await ExpectFocusOnHeading(phone, "Controle en pincode");
        var asked = (await phone.Locator("label").AllInnerTextsAsync()).Where(l => l.StartsWith("Woord ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, asked.Count);
        foreach (string label in asked)
        {
            int n = int.Parse(label["Woord ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            await KeyboardOnly.TabTo(phone, label);
            await phone.Keyboard.TypeAsync(words[n - 1]);
        }
        await KeyboardOnly.TabTo(phone, "Pincode");
        await phone.Keyboard.TypeAsync(pin);
        await KeyboardOnly.TabTo(phone, "Pincode nog een keer");
        await phone.Keyboard.TypeAsync(pin);
        await phone.Keyboard.PressAsync("Enter");

        await ExpectFocusOnHeading(phone, "Klussen in Heerlen");
        return words;
    }

    /// <summary>The screen's h1 says <paramref name="heading"/> and has the keyboard's focus.</summary>
    private static async Task ExpectFocusOnHeading(IPage page, string heading)
    {
        var h1 = page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 });
        await Assertions.Expect(h1).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(h1).ToBeFocusedAsync();
    }
}
