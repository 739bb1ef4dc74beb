using Microsoft.Playwright;

namespace Heerlen.Munt.Web.Tests.Support;

/// <summary>
/// One headless Chromium for the collection: Debian's (<c>/usr/bin/chromium</c>, installed by scripts/ensure-chromium),
/// driven by Playwright over CDP. Playwright's own browser downloads are never used (no <c>playwright install</c>):
/// <c>HM_CHROMIUM</c> names another binary. Pages come from <see cref="BrowserTest"/>, one fresh context per page.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    /// <summary>Where Debian puts Chromium.</summary>
    public const string DebianChromium = "/usr/bin/chromium";

    /// <summary>How long an <c>Assertions.Expect(…)</c> waits for the page to come right.</summary>
    public const float ExpectTimeoutMs = 15_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The Chromium binary in use.</summary>
    public string ExecutablePath { get; } = FindChromium();

    /// <summary>The running browser.</summary>
    public IBrowser Instance => _browser ?? throw new InvalidOperationException("the browser has not started");

    /// <summary>A phone: 390 × 844 CSS pixels at scale 2, touch, mobile viewport; Dutch, Amsterdam time.</summary>
    public static BrowserNewContextOptions Phone(string baseUrl) => new()
    {
        BaseURL = baseUrl,
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
        Locale = "nl-NL",
        TimezoneId = "Europe/Amsterdam",
    };

    /// <summary>A desktop: 1280 × 800; Dutch, Amsterdam time.</summary>
    public static BrowserNewContextOptions Desktop(string baseUrl) => new()
    {
        BaseURL = baseUrl,
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        Locale = "nl-NL",
        TimezoneId = "Europe/Amsterdam",
    };

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // Playwright's 5 s for an expectation is short on two shared cores while the other test projects run beside these.
        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Chromium refuses to start its sandbox as root; as any other user the sandbox stays on.
            Args = Environment.IsPrivilegedProcess ? ["--no-sandbox"] : [],
        });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }

    private static string FindChromium()
    {
        string path = Environment.GetEnvironmentVariable("HM_CHROMIUM") is { Length: > 0 } chosen ? chosen : DebianChromium;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {path}. Install it with `scripts/ensure-chromium` (as root: apt-get install -y chromium), " +
                "or set HM_CHROMIUM to a Chromium binary. These tests never download a browser.");
        }
        return path;
    }
}
