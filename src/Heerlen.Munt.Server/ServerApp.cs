using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Server.Services;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Heerlen.Munt.Server;

/// <summary>A started server: the web application and what runs below it.</summary>
/// <param name="App">The ASP.NET Core application (started).</param>
/// <param name="Runtime">PostgreSQL, the store, the sequencer, the view.</param>
/// <param name="DemoKeys">The demo key file, if the demo community is on.</param>
/// <param name="GrpcUrl">Where gRPC (HTTP/2) listens.</param>
/// <param name="HttpUrl">Where JSON (HTTP/1.1) listens.</param>
/// <param name="WebApps">The folder the web apps are served from, or null when they were not built.</param>
public sealed record RunningServer(WebApplication App, MuntRuntime Runtime, DemoKeyFile? DemoKeys, string GrpcUrl, string HttpUrl, string? WebApps = null) : IAsyncDisposable
{
    /// <summary>Stops the web server, then the runtime (which commits what is queued and stops PostgreSQL).</summary>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Runtime.DisposeAsync();
    }
}

/// <summary>Builds and starts the server; used by Program and by the end-to-end tests alike.</summary>
public static class ServerApp
{
    /// <summary>
    /// Reads settings (appsettings.json, environment, then the command line: <c>--data DIR</c>, <c>--demo</c>,
    /// <c>--connection CS</c>; <c>HEERLEN_MUNT_DATA</c> sets the data directory, <c>HEERLEN_MUNT_DB</c> the connection), starts PostgreSQL and the chain,
    /// creates the demo community if asked, and starts listening.
    /// </summary>
    public static async Task<RunningServer> StartAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var overrides = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("HEERLEN_MUNT_DATA") is { Length: > 0 } fromEnvironment) overrides["Munt:DataDirectory"] = fromEnvironment;
        if (Environment.GetEnvironmentVariable("HEERLEN_MUNT_DB") is { Length: > 0 } database) overrides["Munt:ConnectionString"] = database;
        if (Option(args, "--data") is { } data) overrides["Munt:DataDirectory"] = data;
        if (Option(args, "--connection") is { } connection) overrides["Munt:ConnectionString"] = connection;
        if (args.Contains("--demo")) overrides["Munt:Demo"] = "true";
        builder.Configuration.AddInMemoryCollection(overrides);
        configure?.Invoke(builder);

        var settings = builder.Configuration.GetSection("Munt").Get<ServerSettings>() ?? new ServerSettings();
        // A relative data directory is relative to where the server was started, not to its binaries.
        if (!Path.IsPathRooted(settings.DataDirectory)) settings.DataDirectory = Path.GetFullPath(settings.DataDirectory, Environment.CurrentDirectory);
        builder.Services.Configure<ServerSettings>(s =>
        {
            builder.Configuration.GetSection("Munt").Bind(s);
            s.DataDirectory = settings.DataDirectory;
        });

        ISchnorrVerifier verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
        using var bootLogs = LoggerFactory.Create(l => l.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole());
        var log = bootLogs.CreateLogger("Heerlen.Munt.Server");
        var runtime = await MuntRuntime.StartAsync(settings, verifier, log, ct);
        try
        {
            log.LogInformation("chain {Chain}: {Load}", runtime.Chain.ChainId, runtime.Sequencer.LastLoad);
            DemoKeyFile? demo = settings.Demo ? await DemoCommunity.EnsureAsync(runtime, log, TimeProvider.System, ct) : null;

            builder.Services.AddSingleton(runtime);
            builder.Services.AddSingleton(runtime.View);
            builder.Services.AddSingleton(verifier);
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton<Limits>();
            builder.Services.AddSingleton<Sessions>();
            builder.Services.AddGrpc(o =>
            {
                o.MaxReceiveMessageSize = settings.Limits.MessageBytesMax;
                o.MaxSendMessageSize = 8 * 1024 * 1024;
                o.EnableDetailedErrors = false;
                o.Interceptors.Add<ApiInterceptor>();
            })
                .AddJsonTranscoding(o => o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(
                    Google.Rpc.ErrorInfo.Descriptor, Google.Rpc.LocalizedMessage.Descriptor, Google.Rpc.RetryInfo.Descriptor))
                .AddServiceOptions<PeopleApi>(o => o.MaxReceiveMessageSize = settings.Limits.PhotoMessageBytesMax);
            builder.Services.AddGrpcReflection();
            builder.Services.AddGrpcHealthChecks()
                .AddCheck("chain", () => runtime.Sequencer.Broken is { } broken ? HealthCheckResult.Unhealthy($"chain broken: {broken}")
                    : runtime.View.Faulted ? HealthCheckResult.Unhealthy("the in-memory chain view failed to follow the chain (restart the server)")
                    : HealthCheckResult.Healthy($"{runtime.Sequencer.Height} entries"));
            builder.Services.AddSingleton(services => new ConnectionLimits(settings.Limits.ConnectionsPerAddress,
                settings.TrustedProxies.Select(System.Net.IPAddress.Parse), services.GetRequiredService<ILogger<ConnectionLimits>>()));
            builder.WebHost.ConfigureKestrel(k =>
            {
                // gRPC checks its own message limit (MaxReceiveMessageSize) and lifts this one; JSON transcoding does not,
                // so every JSON body is held to the JSON size of a 64 KiB message, and only a photo upload to more
                // (PhotoUploads below). Measured before: a 2 MiB JSON body to /v1/commands was read, parsed and decoded.
                k.Limits.MaxRequestBodySize = JsonBytesMax(settings.Limits.MessageBytesMax);
                k.Limits.MaxConcurrentConnections = settings.Limits.ConnectionsMax;
                k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(settings.Limits.RequestHeadersTimeoutSeconds);
                // Endpoints from configuration get the defaults too: the per-address connection cap on both ports.
                k.ConfigureEndpointDefaults(listen => listen.Use(next => listen.ApplicationServices.GetRequiredService<ConnectionLimits>().Use(next)));
            });
            builder.Services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor;
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
                foreach (var proxy in settings.TrustedProxies) o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            });

            var app = builder.Build();
            if (settings.TrustedProxies.Length > 0) app.UseForwardedHeaders();
            app.Use(PhotoUploads(JsonBytesMax(settings.Limits.PhotoMessageBytesMax)));
            string? webApps = WebApps.Use(app, settings, log);
            app.MapGrpcService<LedgerApi>();
            app.MapGrpcService<WalletApi>();
            app.MapGrpcService<JobsApi>();
            app.MapGrpcService<MerchantsApi>();
            app.MapGrpcService<AuditApi>();
            app.MapGrpcService<StatisticsApi>();
            app.MapGrpcService<PeopleApi>();
            app.MapGrpcService<ParticipationApi>();
            app.MapGrpcHealthChecksService();
            app.MapGrpcReflectionService();
            app.MapGet("/healthz", () => runtime.Sequencer.Broken is null && !runtime.View.Faulted ? Results.Text("ok\n") : Results.Text("unhealthy\n", statusCode: 503));
            await app.StartAsync(ct);
            string grpcUrl = Endpoint(app, "Grpc"), httpUrl = Endpoint(app, "Http");
            return new RunningServer(app, runtime, demo, grpcUrl, httpUrl, webApps);
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
    }

    /// <summary>The largest JSON body for a message of <paramref name="messageBytes"/>: bytes travel as base64, a third larger, plus field names.</summary>
    private static long JsonBytesMax(int messageBytes) => (messageBytes / 3 * 4) + 65_536;

    /// <summary>
    /// Lets a photo upload (gRPC <c>People/UploadJobPhoto</c>, JSON <c>POST /v1/people/{account}/photos</c>) be as large as
    /// a photo needs; every other body keeps the small limit. gRPC then still checks the message itself.
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> PhotoUploads(long photoJsonBytesMax) => (context, next) =>
    {
        var path = context.Request.Path;
        bool photo = path.Equals("/heerlen.munt.v1.People/UploadJobPhoto", StringComparison.Ordinal)
            || (path.StartsWithSegments("/v1/people", StringComparison.Ordinal) && path.Value!.EndsWith("/photos", StringComparison.Ordinal));
        if (photo && HttpMethods.IsPost(context.Request.Method)
            && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = photoJsonBytesMax;
        return next(context);
    };

    private static string Endpoint(WebApplication app, string name) => app.Configuration[$"Kestrel:Endpoints:{name}:Url"] ?? "";

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
