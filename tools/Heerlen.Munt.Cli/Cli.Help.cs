using Heerlen.Munt.Ledger;

namespace Heerlen.Munt.Cli;

// The help text: every command with its usage line, grouped by who uses it.
public static partial class Cli
{
    private const string UsageLine = "usage: munt [--server URL] [--lang nl|en] [--as NAME | --phrase-file FILE | --secret-file FILE] [--data DIR] [--json] COMMAND [ARGUMENTS]";

    private static int Help(Arguments args, TextWriter output, TextWriter error, Language language)
    {
        var words = args.Words.Skip(1).ToArray();
        if (words.Length == 0)
        {
            WriteHelp(output, language);
            return ExitOk;
        }
        if (words.Length == 1 && Commands.Find(words[0]) is { } command)
        {
            output.WriteLine($"munt {command.Usage}");
            output.WriteLine($"  {Word(language, command.Dutch, command.English)}");
            return ExitOk;
        }
        error.WriteLine(Word(language, $"munt: onbekend commando '{string.Join(' ', words)}'; zie: munt help", $"munt: unknown command '{string.Join(' ', words)}'; see: munt help"));
        return ExitUsage;
    }

    private static void WriteHelp(TextWriter to, Language language)
    {
        string T(string dutch, string english) => Word(language, dutch, english);
        to.WriteLine(T("munt — Heerlen Munt vanaf de opdrachtregel", "munt — Heerlen Munt from the command line"));
        to.WriteLine();
        to.WriteLine(UsageLine);
        to.WriteLine();
        to.WriteLine(T("Opties:", "Options:"));
        (string Option, string Dutch, string English)[] options =
        [
            ("--server URL", $"de gRPC-server (standaard: HEERLEN_MUNT_SERVER of {DefaultServer})", $"the gRPC server (default: HEERLEN_MUNT_SERVER or {DefaultServer})"),
            ("--lang nl|en", "taal van de tekst en van de foutmeldingen (standaard nl)", "language of the text and of error messages (default nl)"),
            ("--as NAME", "als demo-account NAME (uit DIR/demo-keys.json)", "as demo account NAME (from DIR/demo-keys.json)"),
            ("--phrase-file FILE", "als het account van de twaalf woorden in FILE", "as the account of the twelve words in FILE"),
            ("--secret-file FILE", "als het account van de geheime sleutel (hex) in FILE", "as the account of the secret key (hex) in FILE"),
            ("--data DIR", "datamap van de server met demo-keys.json (standaard: HEERLEN_MUNT_DATA of ./data)", "the server's data directory with demo-keys.json (default: HEERLEN_MUNT_DATA or ./data)"),
            ("--json", "JSON voor programma's in plaats van tekst", "JSON for programs instead of text"),
        ];
        foreach (var (option, dutch, english) in options) to.WriteLine($"  {option,-20} {T(dutch, english)}");
        to.WriteLine(T("  Geheimen nooit op de opdrachtregel: alleen in bestanden (mode 600).", "  Never secrets on the command line: only in files (mode 600)."));
        (Audience Audience, string Dutch, string English)[] groups =
        [
            (Audience.Anyone, "Iedereen", "Anyone"),
            (Audience.Resident, "Inwoners", "Residents"),
            (Audience.Shop, "Winkels", "Shops"),
            (Audience.Officer, "Medewerkers van de gemeente en de uitgever", "Municipal officers and the issuer"),
            (Audience.Auditor, "Controleurs (CBS) en medewerkers", "Auditors (CBS) and officers"),
        ];
        int width = Commands.All.Max(c => c.Usage.Length > 44 ? 0 : c.Usage.Length);
        foreach (var (audience, dutch, english) in groups)
        {
            to.WriteLine();
            to.WriteLine($"{T(dutch, english)}:");
            foreach (var command in Commands.All.Where(c => c.Audience == audience))
            {
                string what = T(command.Dutch, command.English);
                // A long usage line gets its description on the next line rather than pushing every column right.
                if (command.Usage.Length > width) to.WriteLine($"  munt {command.Usage}\n  {new string(' ', width + 5)} {what}");
                else to.WriteLine($"  munt {command.Usage.PadRight(width)} {what}");
            }
        }
        to.WriteLine();
        to.WriteLine(T(
            "ACCOUNT, MERCHANT, WORKER en PAYER: een accountnummer (hm1…) of de naam van een demo-account. AMOUNT: 12,50 of 12.50 of 12 (euro).",
            "ACCOUNT, MERCHANT, WORKER and PAYER: an account id (hm1…) or a demo account's name. AMOUNT: 12,50 or 12.50 or 12 (euros)."));
        to.WriteLine(T(
            "Afsluitcodes: 0 gelukt, 1 de server zei nee (error: reden: uitleg), 2 verkeerd gebruik, 3 server niet bereikbaar, 130 gestopt.",
            "Exit codes: 0 done, 1 the server said no (error: reason: message), 2 bad usage, 3 server cannot be reached, 130 stopped."));
    }
}
