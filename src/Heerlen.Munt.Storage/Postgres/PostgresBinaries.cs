using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Heerlen.Munt.Storage.Postgres;

/// <summary>
/// Where this machine's PostgreSQL server programs (initdb, pg_ctl, postgres) are, and their major version.
/// </summary>
public sealed partial class PostgresBinaries
{
    /// <summary>Environment variable naming a bin directory; when set, it is the only place looked at.</summary>
    public const string BinDirectoryVariable = "HEERLEN_MUNT_PG_BIN";

    // Debian and Ubuntu install each major version side by side as /usr/lib/postgresql/<major>/bin.
    private const string DebianRoot = "/usr/lib/postgresql";

    private static readonly string[] Programs = ["initdb", "pg_ctl", "postgres"];

    private PostgresBinaries(string binDirectory, int version)
    {
        BinDirectory = binDirectory;
        Version = version;
    }

    /// <summary>The directory holding initdb, pg_ctl and postgres.</summary>
    public string BinDirectory { get; }

    /// <summary>Major version, from <c>pg_ctl --version</c> (15 for "pg_ctl (PostgreSQL) 15.18").</summary>
    public int Version { get; }

    /// <summary>Full path of initdb.</summary>
    public string InitDb => Path.Combine(BinDirectory, "initdb");

    /// <summary>Full path of pg_ctl.</summary>
    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");

    /// <summary>Full path of the postgres server.</summary>
    public string Postgres => Path.Combine(BinDirectory, "postgres");

    /// <summary>
    /// Finds the programs: the directory in <see cref="BinDirectoryVariable"/> if set, else the highest version
    /// under /usr/lib/postgresql, else <c>pg_config --bindir</c>, else PATH.
    /// </summary>
    /// <param name="getEnvironmentVariable">Reads an environment variable; tests pass their own.</param>
    /// <exception cref="PostgresUnavailableException">None of these places has them.</exception>
    public static PostgresBinaries Locate(Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        string? bin;
        string searched;
        if (getEnvironmentVariable(BinDirectoryVariable) is { Length: > 0 } chosen)
        {
            // An explicit choice is never second-guessed by falling back to another installation.
            bin = IsComplete(chosen) ? chosen : null;
            searched = $"{BinDirectoryVariable}={chosen}";
        }
        else
        {
            bin = FromDebianLayout() ?? FromPgConfig(getEnvironmentVariable) ?? FromPath(getEnvironmentVariable);
            searched = $"{DebianRoot}/*/bin, pg_config --bindir, PATH";
        }

        if (bin is null)
        {
            throw new PostgresUnavailableException(searched);
        }

        bin = Path.GetFullPath(bin);
        return new PostgresBinaries(bin, ReadMajorVersion(Path.Combine(bin, "pg_ctl")));
    }

    private static bool IsComplete(string directory) => Programs.All(p => File.Exists(Path.Combine(directory, p)));

    private static string? FromDebianLayout()
    {
        if (!Directory.Exists(DebianRoot))
        {
            return null;
        }

        // Version directories are "15", "16" (or "9.6" on old systems): compare them as numbers, not as text.
        return Directory.GetDirectories(DebianRoot)
            .Select(d => (Directory: d, Ok: decimal.TryParse(Path.GetFileName(d), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal v), Version: v))
            .Where(d => d.Ok)
            .OrderByDescending(d => d.Version)
            .Select(d => Path.Combine(d.Directory, "bin"))
            .FirstOrDefault(IsComplete);
    }

    private static string? FromPgConfig(Func<string, string?> getEnvironmentVariable)
    {
        if (FindOnPath("pg_config", getEnvironmentVariable) is not { } pgConfig)
        {
            return null;
        }

        try
        {
            PostgresCommand.Result result = PostgresCommand.Run(pgConfig, ["--bindir"], TimeSpan.FromSeconds(10));
            string bin = result.StandardOutput.Trim();
            return result.Succeeded && bin.Length > 0 && IsComplete(bin) ? bin : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static string? FromPath(Func<string, string?> getEnvironmentVariable) =>
        FindOnPath("initdb", getEnvironmentVariable) is { } initdb && Path.GetDirectoryName(initdb) is { } bin && IsComplete(bin)
            ? bin
            : null;

    private static string? FindOnPath(string program, Func<string, string?> getEnvironmentVariable) =>
        (getEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program))
            .FirstOrDefault(File.Exists);

    private static int ReadMajorVersion(string pgCtl)
    {
        PostgresCommand.Result result = PostgresCommand.Run(pgCtl, ["--version"], TimeSpan.FromSeconds(10));
        Match match = VersionPattern().Match(result.StandardOutput);
        if (!result.Succeeded || !match.Success)
        {
            throw new EmbeddedPostgresException($"Could not read the version of {pgCtl}: {result.Output}");
        }

        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    // "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)")]
    private static partial Regex VersionPattern();
}
