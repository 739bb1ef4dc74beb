using System.Net.Http.Json;
using System.Text.Json;
using Heerlen.Munt.Web.Tests.Support;

namespace Heerlen.Munt.Web.Tests.Landing;

/// <summary>The headers every app page carries: keys live in these pages, so nothing from elsewhere may load or frame them.</summary>
[Collection(WebCollection.Name)]
public sealed class SecurityHeaderTests(WebServer server) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(server.BaseUrl) };

    [Theory]
    [InlineData("/")]
    [InlineData("/app/")]
    [InlineData("/kassa/")]
    [InlineData("/gemeente/")]
    [InlineData("/controle/")]
    public async Task every_app_page_is_served_with_a_strict_content_security_policy(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var values), $"{path} has no Content-Security-Policy");
        string policy = Assert.Single(values);
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task the_json_api_still_answers_json_beside_the_apps()
    {
        using var response = await _http.GetAsync("/v1/chain");

        Assert.True(response.IsSuccessStatusCode, $"/v1/chain answered {(int)response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var chain = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(server.DemoKeyFile.ChainId, chain.GetProperty("chainId").GetString());
    }

    public void Dispose() => _http.Dispose();
}
