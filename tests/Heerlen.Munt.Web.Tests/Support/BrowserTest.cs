using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Heerlen.Munt.Web.Tests.Support;

/// <summary>
/// The base of every browser test: the shared <see cref="WebServer"/> and <see cref="Browser"/>, and fresh pages on them.
/// Every page's console errors, failed requests and HTTP errors go to the test's output; an uncaught error in a page
/// (<c>pageerror</c>) fails the test when it ends (or earlier, at <see cref="AssertNoPageErrors"/>).
/// </summary>
[Collection(WebCollection.Name)]
public abstract class BrowserTest(WebServer server, Browser browser, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>The demo server (its <see cref="WebServer.BaseUrl"/>, <see cref="WebServer.DemoKeyFile"/>, <see cref="WebServer.Client"/>).</summary>
    protected WebServer Server { get; } = server;

    /// <summary>The shared Chromium.</summary>
    protected Browser Browser { get; } = browser;

    /// <summary>The test's output.</summary>
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>A page on a phone (390 × 844, touch, scale 2), in a fresh context: no cookies, storage or keys from another page. Relative addresses go to the server.</summary>
    protected Task<IPage> NewPhonePage() => NewPage(Browser.Phone(Server.BaseUrl), PageKind.Phone);

    /// <summary>A page on a desktop (1280 × 800), in a fresh context. Relative addresses go to the server.</summary>
    protected Task<IPage> NewDesktopPage() => NewPage(Browser.Desktop(Server.BaseUrl), PageKind.Desktop);

    /// <summary>A page of the given kind (for tests that run once per kind).</summary>
    protected Task<IPage> NewPage(PageKind kind) => kind == PageKind.Phone ? NewPhonePage() : NewDesktopPage();

    /// <summary>Fails now if any page of this test threw an uncaught error.</summary>
    protected void AssertNoPageErrors()
    {
        var errors = _contexts.SelectMany(c => PageSession.Of(c)?.PageErrors ?? []).ToList();
        Assert.True(errors.Count == 0, "uncaught errors in the page:\n" + string.Join("\n", errors));
    }

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var context in _contexts) await context.CloseAsync();
        AssertNoPageErrors();
    }

    private async Task<IPage> NewPage(BrowserNewContextOptions options, PageKind kind)
    {
        var context = await Browser.Instance.NewContextAsync(options);
        _contexts.Add(context);
        PageSession.Watch(context, kind, Output);
        return await context.NewPageAsync();
    }
}

/// <summary>The two kinds of screen the apps are tested on.</summary>
public enum PageKind
{
    /// <summary>390 × 844, touch.</summary>
    Phone,

    /// <summary>1280 × 800.</summary>
    Desktop,
}

/// <summary>What belongs to a browser context made by <see cref="BrowserTest"/>: its kind, its test's output, and the errors seen in it.</summary>
public sealed class PageSession
{
    private static readonly ConditionalWeakTable<IBrowserContext, PageSession> Sessions = [];
    private readonly ITestOutputHelper _output;
    private readonly List<string> _pageErrors = [];

    private PageSession(PageKind kind, ITestOutputHelper output)
    {
        Kind = kind;
        _output = output;
    }

    /// <summary>Phone or desktop.</summary>
    public PageKind Kind { get; }

    /// <summary>The uncaught errors seen so far (message and stack).</summary>
    public IReadOnlyList<string> PageErrors
    {
        get
        {
            lock (_pageErrors) return [.. _pageErrors];
        }
    }

    /// <summary>The session of a page made by <see cref="BrowserTest"/>, or null for any other page.</summary>
    public static PageSession? Of(IPage page) => Of(page.Context);

    /// <summary>The session of a context made by <see cref="BrowserTest"/>, or null.</summary>
    public static PageSession? Of(IBrowserContext context) => Sessions.TryGetValue(context, out var session) ? session : null;

    /// <summary>Writes a line to the test's output; quietly nothing once the test has ended (a late event of a closing page).</summary>
    public void Log(string line)
    {
        try
        {
            _output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
        }
    }

    internal static void Watch(IBrowserContext context, PageKind kind, ITestOutputHelper output)
    {
        var session = new PageSession(kind, output);
        Sessions.AddOrUpdate(context, session);
        context.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning") session.Log($"[{kind} console {m.Type}] {m.Text} ({m.Location})");
        };
        context.WebError += (_, e) =>
        {
            lock (session._pageErrors) session._pageErrors.Add(e.Error);
            session.Log($"[{kind} pageerror] {e.Error}");
        };
        context.RequestFailed += (_, r) => session.Log($"[{kind} request failed] {r.Method} {r.Url}: {r.Failure}");
        context.Response += (_, r) =>
        {
            if (r.Status >= 400) session.Log($"[{kind} HTTP {r.Status}] {r.Request.Method} {r.Url}");
        };
    }
}
