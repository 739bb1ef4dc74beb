using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Heerlen.Munt.Server;

/// <summary>
/// Serves the built web apps (src/Heerlen.Munt.Web, docs/apps.md) from the same origin as the JSON API: <c>/</c> (which
/// app is for whom), <c>/app/</c> (residents, installable as a PWA), <c>/kassa/</c> (shops), <c>/gemeente/</c> (officers)
/// and <c>/controle/</c> (auditors). They are static files: every key stays in the browser that made it.
/// </summary>
internal static class WebApps
{
    /// <summary>
    /// What the apps may load: only this origin. Keys live in these pages, so no third-party script, frame or connection
    /// is allowed in; <c>blob:</c> shows the camera and photos.
    /// </summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "media-src 'self' blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'; " +
        "form-action 'self'; object-src 'none'";

    /// <summary>Serves the apps if they were built; returns their folder, or null (with a warning) when they are missing.</summary>
    public static string? Use(WebApplication app, ServerSettings settings, ILogger log)
    {
        string folder = settings.WebApps is { Length: > 0 } configured
            ? Path.GetFullPath(configured, Environment.CurrentDirectory)
            : Path.Combine(AppContext.BaseDirectory, "apps");
        if (!File.Exists(Path.Combine(folder, "index.html")))
        {
            log.LogWarning("web apps not found in {Folder}: the API runs without them (build src/Heerlen.Munt.Web with `npm ci && npm run build`, or build the server project)", folder);
            return null;
        }
        var files = new PhysicalFileProvider(folder);
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".webmanifest"] = "application/manifest+json";
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/v1"))
            {
                var h = context.Response.Headers;
                h.ContentSecurityPolicy = ContentSecurityPolicy;
                h.XContentTypeOptions = "nosniff";
                h["Referrer-Policy"] = "no-referrer";
                h["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()";
            }
            await next();
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = types,
            OnPrepareResponse = c =>
            {
                // Built assets carry a content hash in their names and never change; pages and the service worker must be
                // fetched fresh so an update reaches phones.
                c.Context.Response.Headers.CacheControl = c.Context.Request.Path.StartsWithSegments("/assets")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });
        log.LogInformation("web apps served from {Folder}", folder);
        return folder;
    }
}
