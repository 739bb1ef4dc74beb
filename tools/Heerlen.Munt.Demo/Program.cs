using Heerlen.Munt.Demo;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Storage;
using Heerlen.Munt.Storage.Postgres;

// Plays the Heerlen Munt story on the durable chain and verifies everything stored.
// Usage: dotnet run --project tools/Heerlen.Munt.Demo [-- nl] [--data DIR (default ./data-story)] [--connection "Host=...;Database=..."]
// Without --connection (or HEERLEN_MUNT_DB) it runs a private PostgreSQL cluster under DIR/postgres.
var language = args.Contains("nl") || args.Contains("--nl") ? Language.Dutch : Language.English;
string dataDirectory = Path.GetFullPath(Option("--data") ?? "data-story"); // its own directory: ./data belongs to the server (scripts/run)
string? connection = Option("--connection") ?? Environment.GetEnvironmentVariable("HEERLEN_MUNT_DB");
Directory.CreateDirectory(dataDirectory);

EmbeddedPostgres? embedded = null;
// Ctrl-C or SIGTERM: stop the private cluster before leaving (a killed demo leaves it running; the next run reuses it).
using var onSignal = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, StopAndLeave);
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, StopAndLeave);
try
{
    if (connection is null)
    {
        embedded = await EmbeddedPostgres.StartAsync(Path.Combine(dataDirectory, "postgres"));
        await embedded.CreateDatabaseAsync("heerlen_munt");
        connection = embedded.ConnectionString("heerlen_munt");
        Console.WriteLine(language == Language.Dutch
            ? $"PostgreSQL (ingebouwd): {embedded.DataDirectory}, socket {embedded.SocketDirectory}"
            : $"PostgreSQL (embedded): {embedded.DataDirectory}, socket {embedded.SocketDirectory}");
    }
    var story = new Story(language, Console.Out, connection, DemoKeys.LoadOrCreate(dataDirectory));
    return await story.PlayAsync() ? 0 : 1;
}
catch (PostgresUnavailableException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (EmbeddedPostgresException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (StorageException e)
{
    Console.Error.WriteLine($"{StorageErrors.Name(e.Code)}: {(language == Language.Dutch ? e.Dutch : e.English)} ({e.Detail})");
    return 3;
}
finally
{
    if (embedded is not null) await embedded.StopAsync();
}

void StopAndLeave(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine(language == Language.Dutch ? "gestopt; PostgreSQL wordt afgesloten" : "stopped; shutting PostgreSQL down");
    embedded?.StopAsync().GetAwaiter().GetResult();
    Environment.Exit(130);
}

string? Option(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
