using System.Security.Cryptography;
using System.Text;
using Marten;
using Marten.Storage;
using Npgsql;

namespace Heerlen.Munt.Storage.Chain;

/// <summary>
/// A PostgreSQL session-level advisory lock, held on a connection of its own for as long as its holder works. The
/// sequencer holds the chain's writer lock, so a second server on the same chain is refused at start with a clear
/// reason (the expected stream version stays the hard guarantee); the async read-model daemon and the projection
/// rebuilder share the read-model lock, so they never fold into the same documents at once. PostgreSQL releases a
/// lock when its session ends; TCP keepalives on the lock's session make it notice a client that vanished. Needs a
/// direct connection or session pooling (not PgBouncer's transaction pooling).
/// </summary>
internal sealed class AdvisoryLock : IWriterLock
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private AdvisoryLock(NpgsqlConnection connection, long key, string name)
    {
        _connection = connection;
        _key = key;
        Name = name;
    }

    /// <summary>What the lock guards, e.g. <c>writer/heerlen-munt/demo</c>.</summary>
    public string Name { get; }

    /// <summary>The writer lock of a chain.</summary>
    public static string WriterOf(string chainId) => "writer/" + chainId;

    /// <summary>The lock of the async read models of a database.</summary>
    public const string ReadModels = "read-models";

    /// <summary>The lock key: the first 8 bytes of SHA-256("heerlen-munt/" + name).</summary>
    public static long KeyOf(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("heerlen-munt/" + name)), 0);

    /// <summary>
    /// Takes the lock, waiting up to <paramref name="wait"/> for a holder that just died to be noticed by PostgreSQL.
    /// Throws <see cref="StorageException"/> with <see cref="StorageErrorCode.ConcurrentWriter"/> if a live holder keeps it.
    /// </summary>
    /// <param name="store">The database.</param>
    /// <param name="name">What the lock guards (<see cref="WriterOf"/> or <see cref="ReadModels"/>).</param>
    /// <param name="busy">What to tell a person when someone else holds it, e.g. "another server is writing the chain 'x'".</param>
    /// <param name="wait">How long to wait for it.</param>
    /// <param name="ct">Cancels the wait.</param>
    public static async Task<AdvisoryLock> AcquireAsync(IDocumentStore store, string name, string busy, TimeSpan wait, CancellationToken ct = default)
    {
        long key = KeyOf(name);
        var deadline = DateTime.UtcNow + wait;
        NpgsqlConnection? connection = null;
        try
        {
            connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
            await connection.OpenAsync(ct);
            // Over TCP, let PostgreSQL notice within about a minute that this client is gone (ignored on a Unix socket).
            await using (var keepalive = new NpgsqlCommand("set tcp_keepalives_idle = 30; set tcp_keepalives_interval = 10; set tcp_keepalives_count = 3", connection))
                await keepalive.ExecuteNonQueryAsync(ct);
            while (true)
            {
                await using (var command = new NpgsqlCommand("select pg_try_advisory_lock(@key)", connection))
                {
                    command.Parameters.AddWithValue("key", key);
                    if ((bool)(await command.ExecuteScalarAsync(ct))!) return new AdvisoryLock(connection, key, name);
                }
                if (DateTime.UtcNow >= deadline)
                    throw new StorageException(StorageErrorCode.ConcurrentWriter, $"{busy} (it holds PostgreSQL advisory lock {key} for '{name}'); only one may at a time");
                await Task.Delay(100, ct);
            }
        }
        catch (Exception e)
        {
            // Whatever happened (also cancellation right after the lock was taken): the session ends, and the lock with it.
            if (connection is not null) await connection.DisposeAsync();
            if (e is OperationCanceledException) throw;
            throw StorageErrors.Translate(e);
        }
    }

    /// <summary>True if the lock's session is still alive (so the lock is still ours).</summary>
    public async Task<bool> IsHeldAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("select 1", _connection) { CommandTimeout = 5 };
            await command.ExecuteScalarAsync();
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Releases the lock and closes its connection (both harmless if PostgreSQL already went away).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("select pg_advisory_unlock(@key)", _connection) { CommandTimeout = 5 };
            command.Parameters.AddWithValue("key", _key);
            await command.ExecuteScalarAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            // the connection is gone, and the lock with it
        }
        await _connection.DisposeAsync();
    }
}
