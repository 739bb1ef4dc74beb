using System.Text;
using Heerlen.Munt.Storage.Postgres;
using Xunit;

namespace Heerlen.Munt.Storage.Tests.Support;

/// <summary>
/// The test classes that share one throwaway cluster: put <c>[Collection(PostgresCollection.Name)]</c> on a class
/// and take a <see cref="PostgresFixture"/> in its constructor.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "postgres";
}

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test assembly, made with the same <see cref="EmbeddedPostgres"/>
/// as the server, in a fresh temporary directory. Each test class asks for a database of its own.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly TestClusterDirectory directory = new();
    private EmbeddedPostgres? cluster;
    private int databases;

    /// <summary>The cluster; crash tests may stop and restart it (other classes then wait for it).</summary>
    public EmbeddedPostgres Cluster => cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync() => cluster = await EmbeddedPostgres.StartAsync(directory.Path);

    /// <summary>
    /// Creates a fresh, empty database named after <paramref name="hint"/> (for example the test class) plus a
    /// counter, and returns its connection string.
    /// </summary>
    public async Task<string> NewDatabaseAsync(string hint)
    {
        string name = $"{DatabaseNameStem(hint)}_{Interlocked.Increment(ref databases)}";
        await Cluster.CreateDatabaseAsync(name);
        return Cluster.ConnectionString(name);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.StopAsync(immediate: true);
        }

        directory.Dispose();
    }

    /// <summary>Lower case, [a-z0-9_] only, starting with a letter, short enough to leave room for the counter.</summary>
    internal static string DatabaseNameStem(string hint)
    {
        var stem = new StringBuilder();
        foreach (char c in hint.ToLowerInvariant())
        {
            stem.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '_');
        }

        if (stem.Length == 0 || stem[0] is not (>= 'a' and <= 'z'))
        {
            stem.Insert(0, "t_");
        }

        return stem.ToString()[..Math.Min(stem.Length, 50)];
    }
}
