using Heerlen.Munt.Server;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Storage;
using Heerlen.Munt.Storage.Postgres;

// The Heerlen Munt server. Usage: dotnet run --project src/Heerlen.Munt.Server [-- --demo] [--data DIR] [--connection CS]
// Settings: appsettings.json, environment variables (Munt__ChainId, …), HEERLEN_MUNT_DATA; see docs/operations.md.
RunningServer server;
try
{
    server = await ServerApp.StartAsync(args);
}
catch (Exception e) when (e is PostgresUnavailableException or EmbeddedPostgresException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (StorageException e)
{
    Console.Error.WriteLine($"{StorageErrors.Name(e.Code)}: {e.English} ({e.Detail})");
    return 3;
}

var runtime = server.Runtime;
var load = runtime.Sequencer.LastLoad;
Console.WriteLine();
string loaded = load.StoredEntries == 0
    ? "a new chain" + (server.DemoKeys is not null ? ", demo community just created" : "")
    : $"{load}, checked in {load.Took.TotalMilliseconds:0} ms";
Console.WriteLine($"Heerlen Munt is running. Chain '{runtime.Chain.ChainId}': {runtime.Sequencer.Height} entries ({loaded}).");
Console.WriteLine($"  gRPC (HTTP/2):        {server.GrpcUrl}   e.g. grpcurl -plaintext {Strip(server.GrpcUrl)} list");
Console.WriteLine($"  JSON (HTTP/1.1):      {server.HttpUrl}   e.g. curl {server.HttpUrl}/v1/jobs");
Console.WriteLine($"  data directory:       {runtime.DataDirectory} ({runtime.DatabaseDescription})");
if (server.DemoKeys is not null)
    Console.WriteLine($"  demo keys (mode 600): {Path.Combine(runtime.DataDirectory, DemoKeyFile.FileName)}");
if (server.WebApps is not null)
{
    string demo(string who) => server.DemoKeys is null ? "" : $"   demo: {who}";
    Console.WriteLine("Open in a browser (each app asks for the twelve words of a person; the demo's are in the demo keys file):");
    foreach (var (label, path, who) in new[]
    {
        ("job app (residents):", "/app/", "make a new wallet, or restore sanne"),
        ("till (shops):", "/kassa/", "bakkerij-bollen"),
        ("back office:", "/gemeente/", "officer-anouk, and officer-bas to co-sign"),
        ("audit dashboard:", "/controle/", "cbs"),
    })
        Console.WriteLine($"  {label,-21} {server.HttpUrl}{path}{demo(who)}");
}
else
{
    Console.WriteLine("  web apps:             not built (see the log above); the API works without them");
}
Console.WriteLine("Stop with Ctrl-C.");
Console.WriteLine();

await server.App.WaitForShutdownAsync();
await server.DisposeAsync();
return 0;

static string Strip(string url) => url.Replace("http://", "", StringComparison.Ordinal).TrimEnd('/');
