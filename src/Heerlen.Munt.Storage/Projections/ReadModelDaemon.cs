using Heerlen.Munt.Storage.Chain;
using JasperFx.Events.Daemon;
using Marten;

namespace Heerlen.Munt.Storage.Projections;

/// <summary>
/// Runs Marten's async projection daemon for the read models that may trail the chain by a moment (history,
/// statistics). Start one per database next to the sequencer; it picks up where it stopped, and folding an entry
/// twice changes nothing, so a crash in the middle is harmless. It holds the database's read-model lock, so a second
/// daemon or a <see cref="ProjectionRebuilder"/> cannot fold into the same documents at the same time.
/// </summary>
public sealed class ReadModelDaemon : IAsyncDisposable
{
    private readonly IProjectionDaemon _daemon;
    private readonly AdvisoryLock _lock;

    private ReadModelDaemon(IProjectionDaemon daemon, AdvisoryLock readModelLock)
    {
        _daemon = daemon;
        _lock = readModelLock;
    }

    /// <summary>Takes the read-model lock (waiting up to 10 s), builds the daemon and starts every async projection.</summary>
    public static async Task<ReadModelDaemon> StartAsync(IDocumentStore store)
    {
        var readModelLock = await AcquireLockAsync(store, TimeSpan.FromSeconds(10));
        try
        {
            var daemon = await store.BuildProjectionDaemonAsync();
            await daemon.StartAllAsync();
            return new ReadModelDaemon(daemon, readModelLock);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await readModelLock.DisposeAsync();
            throw StorageErrors.Translate(e);
        }
    }

    internal static Task<AdvisoryLock> AcquireLockAsync(IDocumentStore store, TimeSpan wait) =>
        AdvisoryLock.AcquireAsync(store, AdvisoryLock.ReadModels, "another process is folding or rebuilding the read models of this database", wait);

    /// <summary>Waits until the async read models have folded every stored entry (tests, the demo, a clean shutdown).</summary>
    public async Task CatchUpAsync(TimeSpan timeout)
    {
        try
        {
            await _daemon.WaitForNonStaleData(timeout);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageErrors.Translate(e);
        }
    }

    /// <summary>Brings the async read models up to date once, without leaving a daemon running.</summary>
    public static async Task CatchUpOnceAsync(IDocumentStore store, TimeSpan timeout)
    {
        await using var daemon = await StartAsync(store);
        await daemon.CatchUpAsync(timeout);
    }

    /// <summary>Stops the daemon.</summary>
    public async ValueTask DisposeAsync()
    {
        await _daemon.StopAllAsync();
        _daemon.Dispose();
        await _lock.DisposeAsync();
    }
}
