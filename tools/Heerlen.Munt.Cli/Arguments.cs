using Heerlen.Munt.Ledger;

namespace Heerlen.Munt.Cli;

/// <summary>Bad usage: the message (Dutch and English), then the usage line of the command; exit code 2.</summary>
internal sealed class UsageException(string dutch, string english) : Exception(english)
{
    /// <summary>The message in the language asked for.</summary>
    public string Text(Language language) => language == Language.Dutch ? dutch : Message;
}

/// <summary>A "no" the tool itself says (a proof that does not check out, a file it will not overwrite); exit code 1.</summary>
internal sealed class CliFailure(string reason, string dutch, string english) : Exception(english)
{
    /// <summary>A stable snake_case code, like the server's reasons.</summary>
    public string Reason { get; } = reason;

    /// <summary>The message in the language asked for.</summary>
    public string Text(Language language) => language == Language.Dutch ? dutch : Message;
}

/// <summary>
/// The command line, read by hand: words are positional, <c>--name value</c> (or <c>--name=value</c>) are options,
/// and a few names are switches without a value. Options may stand anywhere, before or after the command.
/// </summary>
internal sealed class Arguments
{
    // Every other --name takes a value: a short closed list keeps "--json 12" from being read two ways.
    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal) { "--json", "--all", "--wait", "--follow", "--csv" };

    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);
    private readonly List<string> _words = [];

    /// <summary>The positional words; the first is the command.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>Every option and switch name given.</summary>
    public IEnumerable<string> Names => _options.Keys.Concat(_switches);

    /// <summary>Reads the arguments; throws <see cref="UsageException"/> for an option without its value or given twice.</summary>
    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new Arguments();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                parsed._words.AddRange(args.Skip(i + 1));
                break;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                if (arg.Length > 1 && arg[0] == '-') throw new UsageException($"onbekende optie '{arg}'", $"unknown option '{arg}'");
                parsed._words.Add(arg);
                continue;
            }
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? arg : arg[..equals];
            if (parsed._options.ContainsKey(name) || parsed._switches.Contains(name)) throw new UsageException($"{name} staat er twee keer", $"{name} is given twice");
            if (Switches.Contains(name))
            {
                if (equals >= 0) throw new UsageException($"{name} heeft geen waarde", $"{name} takes no value");
                parsed._switches.Add(name);
                continue;
            }
            string? value = equals >= 0 ? arg[(equals + 1)..] : i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            if (string.IsNullOrEmpty(value)) throw new UsageException($"{name} heeft een waarde nodig", $"{name} needs a value");
            parsed._options[name] = value;
        }
        return parsed;
    }

    /// <summary>The value of an option, or null.</summary>
    public string? Option(string name) => _options.GetValueOrDefault(name);

    /// <summary>True if the switch was given.</summary>
    public bool Switch(string name) => _switches.Contains(name);
}
