using System.Text.RegularExpressions;
using Heerlen.Munt.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Heerlen.Munt.Web.Tests.Landing;

/// <summary>The landing page (<c>/</c>): which app is for whom, in Dutch or English, usable without a mouse.</summary>
public sealed partial class LandingPageTests(WebServer server, Browser browser, ITestOutputHelper output) : BrowserTest(server, browser, output)
{
    /// <summary>The four apps by their Dutch link text and where each lives.</summary>
    public static readonly (string Name, string Path)[] Apps =
    [
        ("Klussen en betalen", "/app/"), ("Kassa", "/kassa/"), ("Gemeente", "/gemeente/"), ("Controle", "/controle/"),
    ];

    [Theory]
    [InlineData(PageKind.Phone)]
    [InlineData(PageKind.Desktop)]
    public async Task the_landing_page_links_to_the_four_apps(PageKind kind)
    {
        var page = await NewPage(kind);
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Heerlen Munt");
        await Accessibility.AssertNoSeriousViolations(page, $"the landing page ({kind})");
        await Screenshots.Save(page, "landing");

        foreach (var (name, path) in Apps)
        {
            var link = page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });
            await Assertions.Expect(link).ToHaveAttributeAsync("href", path);
            var response = await page.RunAndWaitForResponseAsync(() => link.ClickAsync(), r => r.Request.IsNavigationRequest);
            Assert.True(response.Ok, $"{path} answered {response.Status}");
            await Assertions.Expect(page).ToHaveURLAsync(Server.Url(path));
            Assert.Contains("text/html", response.Headers["content-type"], StringComparison.Ordinal);
            Assert.Matches(HasTitle(), await page.TitleAsync());
            await page.GoBackAsync();
            await Assertions.Expect(page).ToHaveURLAsync(Server.Url("/"));
        }
    }

    [Fact]
    public async Task the_language_switch_changes_the_page_to_english_and_is_remembered()
    {
        var page = await NewPhonePage();
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await Assertions.Expect(page.GetByText("Verdien munten met klussen")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();

        await AssertEnglish(page);
        await page.ReloadAsync();
        await AssertEnglish(page);
        // And back: the switch now offers Dutch, in Dutch.
        await page.GetByRole(AriaRole.Button, new() { Name = "Nederlands" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Klussen en betalen" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task the_landing_page_can_be_used_with_the_keyboard_alone()
    {
        var page = await NewDesktopPage();
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();

        // The first Tab reaches the skip link, which shows itself and, on Enter, puts focus on the main content.
        await page.Keyboard.PressAsync("Tab");
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Naar de inhoud" });
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await Assertions.Expect(skip).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();

        // From main, Tab goes on through the content: the four apps in their order.
        foreach (var (name, path) in Apps)
        {
            await KeyboardOnly.TabTo(page, name);
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true })).ToBeFocusedAsync();
        }

        // Enter on a focused link opens the app.
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Shift+Tab");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Klussen en betalen" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(Server.Url("/app/"));
    }

    private static async Task AssertEnglish(IPage page)
    {
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Heerlen Munt");
        await Assertions.Expect(page.GetByText("Earn coins with small jobs in your neighbourhood.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Jobs and paying", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Verdien munten met klussen")).ToHaveCountAsync(0);
    }

    [GeneratedRegex(@"\S")]
    private static partial Regex HasTitle();
}
