using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger;

namespace Heerlen.Munt.Cli;

/// <summary>
/// <c>munt</c>: every role of Heerlen Munt from a terminal, through the client SDK only. Exit codes: 0 done; 1 the
/// server (or a check of its answer) said no; 2 bad usage; 3 the server cannot be reached; 130 stopped with Ctrl-C.
/// </summary>
public static partial class Cli
{
    /// <summary>Exit code: done.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code: the server said no (a <see cref="MuntException"/>), or a proof or signature did not check out.</summary>
    public const int ExitRefused = 1;

    /// <summary>Exit code: bad usage.</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code: the server cannot be reached.</summary>
    public const int ExitUnreachable = 3;

    /// <summary>Exit code: stopped (Ctrl-C).</summary>
    public const int ExitStopped = 130;

    /// <summary>The server when neither <c>--server</c> nor <c>HEERLEN_MUNT_SERVER</c> says another.</summary>
    public const string DefaultServer = "http://127.0.0.1:5081";

    /// <summary>Runs one command line; writes results to <paramref name="output"/> and problems to <paramref name="error"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        Arguments parsed;
        try
        {
            parsed = Arguments.Parse(args);
        }
        catch (UsageException e)
        {
            error.WriteLine($"munt: {e.Text(Language.Dutch)}");
            error.WriteLine(UsageLine);
            return ExitUsage;
        }
        var language = parsed.Option("--lang") switch
        {
            null or "nl" => Language.Dutch,
            "en" => Language.English,
            _ => (Language?)null,
        };
        if (language is null)
        {
            error.WriteLine($"munt: --lang is nl of en / --lang is nl or en, not '{parsed.Option("--lang")}'");
            return ExitUsage;
        }
        string? name = parsed.Words.FirstOrDefault();
        if (name is null)
        {
            WriteHelp(error, language.Value);
            return ExitUsage;
        }
        if (name == "help") return Help(parsed, output, error, language.Value);
        var command = Commands.Find(name);
        if (command is null)
        {
            error.WriteLine(language == Language.Dutch ? $"munt: onbekend commando '{name}'; zie: munt help" : $"munt: unknown command '{name}'; see: munt help");
            return ExitUsage;
        }
        return await RunCommandAsync(command, parsed, output, error, language.Value, ct);
    }

    private static async Task<int> RunCommandAsync(CommandSpec command, Arguments args, TextWriter output, TextWriter error, Language language, CancellationToken ct)
    {
        string server = args.Option("--server") ?? (Environment.GetEnvironmentVariable("HEERLEN_MUNT_SERVER") is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultServer);
        try
        {
            foreach (string option in args.Names)
                if (!Commands.GlobalOptions.Contains(option) && !command.Options.Contains(option))
                    throw new UsageException($"{command.Name} kent de optie {option} niet", $"{command.Name} does not take {option}");
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new UsageException($"--server '{server}' is geen adres als http://127.0.0.1:5081", $"--server '{server}' is not an address like http://127.0.0.1:5081");
            string data = args.Option("--data") ?? (Environment.GetEnvironmentVariable("HEERLEN_MUNT_DATA") is { Length: > 0 } d ? d : "data");
            using var client = new MuntClient(server, new MuntClientOptions { Language = language == Language.Dutch ? "nl" : "en" });
            var run = new Invocation(args, client, new Identities(data, error, language), output, language, ct);
            await command.Run(run);
            return ExitOk;
        }
        catch (UsageException e)
        {
            error.WriteLine($"munt {command.Name}: {e.Text(language)}");
            error.WriteLine($"{Word(language, "gebruik", "usage")}: munt {command.Usage}");
            return ExitUsage;
        }
        catch (CliFailure e)
        {
            error.WriteLine($"error: {e.Reason}: {e.Text(language)}");
            return ExitRefused;
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or MuntException)
        {
            error.WriteLine(Word(language, "munt: gestopt.", "munt: stopped."));
            return ExitStopped;
        }
        catch (MuntException e) when (e.Reason is "server_unavailable" or "deadline_exceeded")
        {
            // No google.rpc.Status came back: nothing on the other side answered as a Heerlen Munt server.
            error.WriteLine(e.Reason == "server_unavailable"
                ? Word(language, $"munt: de server op {server} is niet bereikbaar. Draait hij, en klopt --server? ({e.LocalizedMessage})", $"munt: cannot reach the server at {server}. Is it running, and is --server right? ({e.LocalizedMessage})")
                : Word(language, $"munt: de server op {server} antwoordde niet op tijd.", $"munt: the server at {server} did not answer in time."));
            return ExitUnreachable;
        }
        catch (MuntException e)
        {
            error.WriteLine($"error: {e.Reason}: {e.LocalizedMessage}");
            if (e is MuntRejectedException rejected)
                error.WriteLine(Word(language, $"(vastgelegd in de keten, regel {rejected.Height})", $"(recorded on the chain, entry {rejected.Height})"));
            return ExitRefused;
        }
    }

    private static string Word(Language language, string dutch, string english) => language == Language.Dutch ? dutch : english;
}
