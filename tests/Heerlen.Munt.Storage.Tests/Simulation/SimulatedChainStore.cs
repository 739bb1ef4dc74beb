using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Storage.Chain;

namespace Heerlen.Munt.Storage.Tests.Simulation;

/// <summary>How often the simulated storage misbehaves, per append (out of 1,000).</summary>
public sealed record StorageFaults
{
    /// <summary>The write fails and nothing of it is stored.</summary>
    public int FailBeforeCommit { get; init; } = 40;

    /// <summary>The write is stored, but the answer is lost (the connection drops during COMMIT).</summary>
    public int FailAfterCommit { get; init; } = 40;

    /// <summary>Only a prefix of the batch is stored, then the write fails (a torn batch).</summary>
    public int Tear { get; init; } = 30;

    /// <summary>The write takes 25 times longer than usual.</summary>
    public int Slow { get; init; } = 60;

    /// <summary>A read during a reload fails.</summary>
    public int FailRead { get; init; } = 30;

    /// <summary>
    /// A broken storage for checking the checker: answers an append at once and makes it durable only later, so a
    /// crash in between loses what was acknowledged. Never true in a real run.
    /// </summary>
    public bool AcknowledgeBeforeDurable { get; init; }

    /// <summary>
    /// A broken disk for checking the checker: a crash loses the last write that was already durable (a disk that lies
    /// about fsync). Never true in a real run.
    /// </summary>
    public bool LoseLastWriteOnCrash { get; init; }

    /// <summary>No faults at all: the end of a run, when every open question is settled.</summary>
    public static StorageFaults None { get; } = new() { FailBeforeCommit = 0, FailAfterCommit = 0, Tear = 0, Slow = 0, FailRead = 0 };
}

/// <summary>
/// The chain kept in memory as a disk would keep it, behind the sequencer's storage seam (<see cref="IChainStore"/>),
/// misbehaving when the seed says so: writes fail before or after they are stored, batches tear (a prefix survives),
/// writes are slow, reads fail, the database goes down for a while, and a crash decides for every write in flight
/// whether it reached the disk (all, nothing or a prefix — unsynced data is lost). What is durable never changes
/// afterwards. Lives in the tests only: the real store is <see cref="ChainStore"/> on PostgreSQL.
/// </summary>
public sealed class SimulatedChainStore(string chainId, SimLoop loop) : IChainStore
{
    private readonly List<InFlight> _inFlight = [];
    private int _lockHolder;
    private int _generation = 1;
    private (int Entries, int Blocks) _beforeLastWrite;

    public string ChainId { get; } = chainId;

    /// <summary>The entries on the disk, in height order.</summary>
    public List<EntryRecorded> Entries { get; } = [];

    /// <summary>The blocks on the disk, in order.</summary>
    public List<BlockSealed> Blocks { get; } = [];

    public StorageFaults Faults { get; set; } = new();

    /// <summary>
    /// While true, every call fails as if PostgreSQL were unreachable. Going down ends the writer lock's session: the
    /// lock is lost for good, and the writer must take it again once the database is back.
    /// </summary>
    public bool Down
    {
        get => _down;
        set
        {
            _down = value;
            if (value) _lockHolder = 0;
        }
    }

    private bool _down;

    /// <summary>True if the writer of the current process holds the lock (after a crash, a new process is current).</summary>
    public bool LockHeldByCurrentWriter => _lockHolder == _generation;

    /// <summary>Appends asked for, and how each ended.</summary>
    public Dictionary<string, int> Counts { get; } = [];

    private void Count(string what) => Counts[what] = Counts.GetValueOrDefault(what) + 1;

    private static StorageException Unavailable(string what) =>
        new(StorageErrorCode.DatabaseUnavailable, $"simulated: {what}");

    public Task EnsureSingleChainAsync(CancellationToken ct = default) =>
        Down ? Task.FromException(Unavailable("the database is down")) : Task.CompletedTask;

    public Task<IWriterLock> AcquireWriterLockAsync(TimeSpan wait, CancellationToken ct = default)
    {
        if (Down) return Task.FromException<IWriterLock>(Unavailable("the database is down"));
        _lockHolder = _generation;
        return Task.FromResult<IWriterLock>(new Lock(this, _generation));
    }

    public Task AppendAsync(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, long entriesBefore, long blocksBefore, CancellationToken ct = default)
    {
        if (entries.Count == 0 && blocks.Count == 0) return Task.CompletedTask;
        Count("appends");
        if (_inFlight.Count > 0) throw new InvalidOperationException("the sequencer started a write while another was in flight");
        if (entries.Count > 0 && entries[0].Entry.Height != entriesBefore) throw new ArgumentException("the first entry's height must equal the count of stored entries");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = new InFlight(
            [.. entries.Select(e => new EntryRecorded(e.Entry.Height, e.Entry.Hash.ToHex(), e.Entry.Encode(), e.Facts))],
            [.. blocks.Select(b => new BlockSealed(b.Number, b.TreeSize, b.Hash.ToHex(), b.Encode()))],
            entriesBefore, blocksBefore, done);
        long delay = loop.Random.Next(1, 8) * (loop.Random.Next(1000) < Faults.Slow ? 25 : 1);

        if (Faults.AcknowledgeBeforeDurable)
        {
            // The broken storage of the negative test: the answer leaves now, the data reaches the disk later.
            Count("acknowledged_before_durable");
            _inFlight.Add(write);
            loop.After(delay, () => { if (_inFlight.Remove(write)) Persist(write, write.Entries.Count); });
            return Task.CompletedTask;
        }

        int roll = loop.Random.Next(1000);
        _inFlight.Add(write);
        loop.After(delay, () =>
        {
            if (!_inFlight.Remove(write)) return; // a crash settled it
            if (Down)
            {
                Count("failed_database_down");
                done.SetException(Unavailable("the database went away during the write"));
            }
            else if (Entries.Count != entriesBefore || Blocks.Count != blocksBefore)
            {
                Count("refused_concurrent_writer");
                done.SetException(new StorageException(StorageErrorCode.ConcurrentWriter, "simulated: the streams are not at the expected version"));
            }
            else if (roll < Faults.FailBeforeCommit)
            {
                Count("failed_before_commit");
                done.SetException(Unavailable("the write failed; nothing was stored"));
            }
            else if (roll < Faults.FailBeforeCommit + Faults.FailAfterCommit)
            {
                Count("stored_but_answer_lost");
                Persist(write, write.Entries.Count);
                done.SetException(Unavailable("the connection dropped during COMMIT"));
            }
            else if (roll < Faults.FailBeforeCommit + Faults.FailAfterCommit + Faults.Tear)
            {
                Count("torn");
                Persist(write, loop.Random.Next(write.Entries.Count + 1));
                done.SetException(Unavailable("the batch was torn; part of it was stored"));
            }
            else
            {
                Count("stored");
                Persist(write, write.Entries.Count);
                done.SetResult();
            }
        });
        return done.Task;
    }

    /// <summary>
    /// The process died: every write in flight reached the disk completely, not at all, or in part (unsynced data
    /// lost), as the seed says; its answer never arrives. The dead writer's lock is released.
    /// </summary>
    public void Crash()
    {
        foreach (var write in _inFlight)
        {
            int roll = loop.Random.Next(3);
            if (Faults.AcknowledgeBeforeDurable) roll = 1; // the negative test: what was acknowledged is lost
            Count(roll switch { 0 => "crash_write_durable", 1 => "crash_write_lost", _ => "crash_write_torn" });
            if (roll == 0) Persist(write, write.Entries.Count);
            else if (roll == 2) Persist(write, loop.Random.Next(write.Entries.Count + 1));
        }
        _inFlight.Clear();
        if (Faults.LoseLastWriteOnCrash && _beforeLastWrite.Entries < Entries.Count)
        {
            Count("crash_lost_durable_write");
            Entries.RemoveRange(_beforeLastWrite.Entries, Entries.Count - _beforeLastWrite.Entries);
            Blocks.RemoveRange(_beforeLastWrite.Blocks, Blocks.Count - _beforeLastWrite.Blocks);
        }
        _generation++;
        _lockHolder = 0;
    }

    /// <summary>Makes the first <paramref name="entryCount"/> entries of a write durable, with the blocks they complete.</summary>
    private void Persist(InFlight write, int entryCount)
    {
        if (Entries.Count != write.EntriesBefore || Blocks.Count != write.BlocksBefore) return;
        _beforeLastWrite = (Entries.Count, Blocks.Count);
        Entries.AddRange(write.Entries.Take(entryCount));
        long size = write.EntriesBefore + entryCount;
        foreach (var block in write.Blocks)
        {
            if (block.TreeSize > size) break;
            Blocks.Add(block);
        }
    }

    public Task<IReadOnlyList<(long Version, EntryRecorded Entry)>> ReadEntryPageAsync(long afterVersion, int pageSize, CancellationToken ct = default)
    {
        if (ReadFails()) return Task.FromException<IReadOnlyList<(long, EntryRecorded)>>(Unavailable("a read failed"));
        IReadOnlyList<(long, EntryRecorded)> page = [.. Entries.Skip((int)Math.Min(afterVersion, Entries.Count)).Take(pageSize).Select(e => (e.Height + 1, e))];
        return Task.FromResult(page);
    }

    public Task<IReadOnlyList<(long Version, BlockSealed Block)>> ReadBlockPageAsync(long afterVersion, int pageSize, CancellationToken ct = default)
    {
        if (ReadFails()) return Task.FromException<IReadOnlyList<(long, BlockSealed)>>(Unavailable("a read failed"));
        IReadOnlyList<(long, BlockSealed)> page = [.. Blocks.Skip((int)Math.Min(afterVersion, Blocks.Count)).Take(pageSize).Select((b, i) => (afterVersion + i + 1, b))];
        return Task.FromResult(page);
    }

    public Task<(long Entries, long Blocks)> ReadStreamLengthsAsync(CancellationToken ct = default) =>
        ReadFails() ? Task.FromException<(long, long)>(Unavailable("a read failed")) : Task.FromResult(((long)Entries.Count, (long)Blocks.Count));

    private bool ReadFails()
    {
        if (Down) return true;
        if (loop.Random.Next(1000) >= Faults.FailRead) return false;
        Count("read_failed");
        return true;
    }

    private sealed record InFlight(List<EntryRecorded> Entries, List<BlockSealed> Blocks, long EntriesBefore, long BlocksBefore, TaskCompletionSource Done);

    private sealed class Lock(SimulatedChainStore store, int generation) : IWriterLock
    {
        public Task<bool> IsHeldAsync() => Task.FromResult(!store.Down && store._lockHolder == generation);

        public ValueTask DisposeAsync()
        {
            if (store._lockHolder == generation) store._lockHolder = 0;
            return ValueTask.CompletedTask;
        }
    }
}
