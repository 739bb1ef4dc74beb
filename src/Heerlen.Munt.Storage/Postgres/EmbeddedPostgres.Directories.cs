using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Heerlen.Munt.Storage.Postgres;

// The cluster directory, the socket directory, who owns them, and the settings file.
public sealed partial class EmbeddedPostgres
{
    /// <summary>
    /// The socket directory for a cluster directory: <c>socket/</c> inside it, unless
    /// <c>&lt;dir&gt;/.s.PGSQL.5432</c> would not fit in a Unix socket path (107 bytes).
    /// </summary>
    internal static string SocketDirectoryFor(string clusterDirectory)
    {
        string inside = Path.Combine(clusterDirectory, "socket");
        if (Encoding.UTF8.GetByteCount($"{inside}/.s.PGSQL.{Port}") <= MaxSocketPathBytes)
        {
            return inside;
        }

        // The same cluster directory always gets the same short directory; different ones never share one.
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clusterDirectory)))[..16];
        return Path.Combine("/tmp", $"hm-pg-{hash}");
    }

    private async Task PrepareDirectoriesAsync(CancellationToken ct)
    {
        // Parents are made with the usual mode, so the postgres user can pass through them; only ours are private.
        Directory.CreateDirectory(ClusterDirectory);
        MakeOwnerOnly(ClusterDirectory);
        Directory.CreateDirectory(SocketDirectory);
        if (new DirectoryInfo(SocketDirectory).LinkTarget is not null)
        {
            throw new EmbeddedPostgresException($"The socket directory {SocketDirectory} is a symbolic link; remove it.");
        }

        MakeOwnerOnly(SocketDirectory);
        if (PostgresCommand.IsRoot)
        {
            await ChownToServiceUserAsync([ClusterDirectory, SocketDirectory], ct);
            await CheckServiceUserCanReachAsync(ct);
        }
    }

    private async Task CheckServiceUserCanReachAsync(CancellationToken ct)
    {
        PostgresCommand.Result result = await RunPostgresProgramAsync(
            "test", ["-w", ClusterDirectory, "-a", "-x", ClusterDirectory], ct);
        if (result.Succeeded)
        {
            return;
        }

        string? blocker = Ancestors(ClusterDirectory)
            .LastOrDefault(d => (ModeOf(d) & UnixFileMode.OtherExecute) == 0);
        throw new EmbeddedPostgresException(blocker is null
            ? $"The {PostgresCommand.ServiceUser} user cannot reach {ClusterDirectory}; PostgreSQL runs as that user when started as root. Check the permissions of its parent directories."
            : $"The {PostgresCommand.ServiceUser} user cannot reach {ClusterDirectory}: {blocker} is not traversable by other users (mode {Convert.ToString((int)ModeOf(blocker), 8)}). "
                + $"PostgreSQL runs as that user when started as root. Use a directory under /var/lib or /tmp, or allow passing through with: chmod o+x {blocker}");
    }

    private static void MakeOwnerOnly(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotOnWindows();
        }

        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static UnixFileMode ModeOf(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotOnWindows();
        }

        return File.GetUnixFileMode(path);
    }

    // The cluster needs Unix sockets, runuser and /proc.
    private static PlatformNotSupportedException NotOnWindows() => new("The embedded PostgreSQL cluster runs on Linux only.");

    private static IEnumerable<string> Ancestors(string path)
    {
        for (string? d = Path.GetDirectoryName(path); d is not null; d = Path.GetDirectoryName(d))
        {
            yield return d;
        }
    }

    private void CheckClusterVersion()
    {
        string made = File.ReadAllText(Path.Combine(DataDirectory, "PG_VERSION")).Trim();
        if (made != Binaries.Version.ToString(CultureInfo.InvariantCulture))
        {
            throw new EmbeddedPostgresException(
                $"The cluster in {DataDirectory} was made by PostgreSQL {made}, but the programs in {Binaries.BinDirectory} are version {Binaries.Version}. "
                + $"Set {PostgresBinaries.BinDirectoryVariable} to the bin directory of PostgreSQL {made} (for example /usr/lib/postgresql/{made}/bin), or upgrade the cluster with pg_upgrade.");
        }
    }

    // Our settings live in a file of their own, rewritten on every start (so a moved directory gets the right
    // socket), and included last from postgresql.conf, so a person can still start the cluster by hand with pg_ctl.
    private async Task WriteSettingsAsync(CancellationToken ct)
    {
        string settings = Path.Combine(DataDirectory, SettingsFileName);
        await File.WriteAllTextAsync(
            settings,
            "# Written by Heerlen Munt on every start: changes here are lost. Put your own settings in postgresql.conf.\n"
            + "listen_addresses = ''\n"
            + $"port = {Port}\n"
            + $"unix_socket_directories = '{SocketDirectory.Replace("'", "''", StringComparison.Ordinal)}'\n"
            + "max_connections = 200\n",
            ct);
        string main = Path.Combine(DataDirectory, "postgresql.conf");
        string include = $"include '{SettingsFileName}'";
        if (!(await File.ReadAllLinesAsync(main, ct)).Contains(include))
        {
            await File.AppendAllTextAsync(main, $"\n# Heerlen Munt: no TCP, a private Unix socket.\n{include}\n", ct);
        }

        if (PostgresCommand.IsRoot)
        {
            await ChownToServiceUserAsync([settings], ct);
        }
    }

    private async Task ChownToServiceUserAsync(IEnumerable<string> paths, CancellationToken ct)
    {
        PostgresCommand.Result result = await PostgresCommand.RunAsync(
            "chown", [$"{PostgresCommand.ServiceUser}:", .. paths], ClusterDirectory, ct);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"Could not give {string.Join(", ", paths)} to the {PostgresCommand.ServiceUser} user "
                + $"(apt-get install -y postgresql makes that user): {result.Output}");
        }
    }
}
