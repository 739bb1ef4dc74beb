using System.Globalization;

namespace Heerlen.Munt.Storage.Tests.Support;

/// <summary>
/// A fresh directory for a throwaway cluster, <c>/tmp/hm-test-pg-&lt;random&gt;</c>, deleted on dispose. It holds
/// the pid of the test process, so a later run deletes what a killed run left behind; a server still running in
/// such a directory shuts itself down within a minute once its postmaster.pid is gone.
/// </summary>
public sealed class TestClusterDirectory : IDisposable
{
    private const string Prefix = "hm-test-pg-";
    private const string OwnerFile = "owner.pid";

    /// <summary>Makes the directory (under /tmp or $TMPDIR, which the postgres user must be able to reach).</summary>
    public TestClusterDirectory()
    {
        DeleteLeftoversOfDeadRuns();
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), Prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
        File.WriteAllText(System.IO.Path.Combine(Path, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The directory, as a full path.</summary>
    public string Path { get; }

    /// <summary>Deletes the directory; stop the cluster in it first.</summary>
    public void Dispose() => DeleteQuietly(Path);

    private static void DeleteLeftoversOfDeadRuns()
    {
        foreach (string directory in Directory.GetDirectories(System.IO.Path.GetTempPath(), Prefix + "*"))
        {
            string owner = System.IO.Path.Combine(directory, OwnerFile);
            if (File.Exists(owner)
                && int.TryParse(File.ReadAllText(owner), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && !Directory.Exists($"/proc/{pid}"))
            {
                DeleteQuietly(directory);
            }
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover in /tmp is not worth failing a test for.
        }
    }
}
