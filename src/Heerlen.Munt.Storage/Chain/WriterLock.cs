using System.Security.Cryptography;
using System.Text;
using Marten;
using Marten.Storage;
using Npgsql;

namespace Heerlen.Munt.Storage.Chain;

/// <summary>
/// A PostgreSQL session-level advisory lock per chain, held on a connection of its own for as long as a sequencer
/// writes, so that a second server on the same chain is refused at start with a clear reason instead of fighting the
/// first one batch by batch. The expected stream version stays the hard guarantee; this lock is what makes the normal
/// case clear. PostgreSQL releases it when the holder's connection ends (the process died, or PostgreSQL restarted).
/// </summary>
internal sealed class WriterLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private WriterLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>The lock key of a chain: the first 8 bytes of SHA-256("heerlen-munt/writer/" + chain id).</summary>
    public static long KeyOf(string chainId) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("heerlen-munt/writer/" + chainId)), 0);

    /// <summary>
    /// Takes the chain's lock, waiting up to <paramref name="wait"/> for a holder that just died to be noticed by
    /// PostgreSQL. Throws <see cref="StorageException"/> with <see cref="StorageErrorCode.ConcurrentWriter"/> if another
    /// live server holds it.
    /// </summary>
    public static async Task<WriterLock> AcquireAsync(IDocumentStore store, string chainId, TimeSpan wait, CancellationToken ct = default)
    {
        long key = KeyOf(chainId);
        var deadline = DateTime.UtcNow + wait;
        NpgsqlConnection? connection = null;
        try
        {
            connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
            await connection.OpenAsync(ct);
            while (true)
            {
                await using (var command = new NpgsqlCommand("select pg_try_advisory_lock(@key)", connection))
                {
                    command.Parameters.AddWithValue("key", key);
                    if ((bool)(await command.ExecuteScalarAsync(ct))!) return new WriterLock(connection, key);
                }
                if (DateTime.UtcNow >= deadline)
                    throw new StorageException(StorageErrorCode.ConcurrentWriter, $"another server is writing the chain '{chainId}' (it holds PostgreSQL advisory lock {key}); run one writer per chain");
                await Task.Delay(100, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (connection is not null) await connection.DisposeAsync();
            throw StorageErrors.Translate(e);
        }
    }

    /// <summary>Releases the lock and closes its connection (both harmless if PostgreSQL already went away).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("select pg_advisory_unlock(@key)", _connection);
            command.Parameters.AddWithValue("key", _key);
            await command.ExecuteScalarAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.IO.IOException)
        {
            // the connection is gone, and the lock with it
        }
        await _connection.DisposeAsync();
    }
}
