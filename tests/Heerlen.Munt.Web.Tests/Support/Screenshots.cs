using Microsoft.Playwright;

namespace Heerlen.Munt.Web.Tests.Support;

/// <summary>
/// Pictures of the apps: <c>&lt;name&gt;-phone.png</c> or <c>-desktop.png</c>, the whole page. By default they go to
/// <c>TestResults/screenshots</c> (not tracked: codes, times and QR codes differ on every run); with
/// <c>HM_SCREENSHOTS=docs</c> to <c>docs/screenshots</c>, the pictures docs/apps.md shows. Off with <c>HM_SCREENSHOTS=0</c>.
/// </summary>
public static class Screenshots
{
    /// <summary>Whether screenshots are taken (<c>HM_SCREENSHOTS</c> is anything but "0"; on by default).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("HM_SCREENSHOTS") != "0";

    /// <summary>The folder they go to: docs/screenshots or TestResults/screenshots beside Heerlen.Munt.sln.</summary>
    public static string Folder => Environment.GetEnvironmentVariable("HM_SCREENSHOTS") == "docs"
        ? Path.Combine(RepositoryRoot(), "docs", "screenshots")
        : Path.Combine(RepositoryRoot(), "TestResults", "screenshots");

    /// <summary>Saves the whole page as <c>&lt;name&gt;-phone.png</c> or <c>&lt;name&gt;-desktop.png</c> and writes its path to the test output; returns the path, or null when screenshots are off.</summary>
    public static async Task<string?> Save(IPage page, string name)
    {
        if (!Enabled) return null;
        var session = PageSession.Of(page);
        // A page made outside BrowserTest: judge by its width.
        var kind = session?.Kind ?? (page.ViewportSize is { Width: < 600 } ? PageKind.Phone : PageKind.Desktop);
        string path = Path.Combine(Folder, $"{name}-{kind.ToString().ToLowerInvariant()}.png");
        Directory.CreateDirectory(Folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        session?.Log($"[screenshot] {path}");
        return path;
    }

    /// <summary>The directory that holds Heerlen.Munt.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Heerlen.Munt.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no Heerlen.Munt.sln above {AppContext.BaseDirectory}");
    }
}
