using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Storage.Chain;

/// <summary>How the sequencer batches.</summary>
public sealed record SequencerOptions
{
    /// <summary>Most commands committed in one transaction.</summary>
    public int BatchMax { get; init; } = 1000;

    /// <summary>How long the first command of a batch waits for others to join it (group commit). Zero: commit what is queued.</summary>
    public TimeSpan BatchWait { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Commands that may wait in the queue; callers beyond this wait to enqueue (back-pressure).</summary>
    public int QueueCapacity { get; init; } = 20_000;

    /// <summary>When blocks are sealed.</summary>
    public BlockPolicy Blocks { get; init; } = new();

    /// <summary>
    /// With a full batch queued, decide it while the previous batch is being stored. Off by default: on this project's
    /// 2-core machine the overlap gained nothing clear (docs/performance.md: 70–74 % against 63–72 % of plain Marten in
    /// a quiet run, 54 % against 60 % in a loaded one), because deciding, checking signatures, Marten and PostgreSQL
    /// already share both cores. With more cores it may pay; the Probe compares both.
    /// </summary>
    public bool Pipelining { get; init; }

    /// <summary>How long to wait before trying the database again after it failed.</summary>
    public TimeSpan RetryWait { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Hold the chain's PostgreSQL advisory lock while writing, so that a second server is refused at start (default).
    /// Without it, the expected stream version still keeps the chain from forking.
    /// </summary>
    public bool ExclusiveWriter { get; init; } = true;

    /// <summary>How long start-up waits for the lock of a writer that just died to be released.</summary>
    public TimeSpan WriterLockWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where the writer loop and its continuations run; null: the thread pool. A seam for the deterministic simulation
    /// (tests/Heerlen.Munt.Storage.Tests/Simulation), which runs everything on one thread in an order chosen by a seed.
    /// With a scheduler given, the queue also wakes the loop on the caller's thread instead of the thread pool's, so
    /// nothing happens outside the scheduler's sight.
    /// </summary>
    public TaskScheduler? Scheduler { get; init; }

    /// <summary>Where the auxiliary randomness of block signatures comes from; null: the system. A seam for the simulation.</summary>
    public System.Security.Cryptography.RandomNumberGenerator? Randomness { get; init; }
}

/// <summary>
/// The single writer of a chain. Callers' commands are checked (format, signatures) on the callers' own threads — in
/// parallel on all cores — then queued. One loop takes a batch from the queue, decides every command against the
/// in-memory state, and stores the batch's entries and blocks in one PostgreSQL transaction; only then does any
/// caller of the batch get an answer (a refusal too, since it may depend on an entry of the same batch). If storing
/// fails, the batch's callers get a <see cref="StorageException"/> and the state is reloaded from the database before
/// the next batch. Whether a failed commit was stored after all cannot always be known (the connection may drop during
/// COMMIT), so callers retry with the same command: a retry of a stored command gets its first outcome.
/// With <see cref="SequencerOptions.Pipelining"/> and a full batch queued, the loop decides it while the previous one is being stored (at most one in flight); a batch
/// decided on top of one that then fails to store is abandoned with it — its callers get the same error, nothing of it
/// is stored — and readers (<see cref="IChainObserver"/>) only ever see stored batches.
/// </summary>
public sealed class Sequencer : IAsyncDisposable
{
    private readonly IChainStore _store;
    private readonly SigningKey _operatorKey;
    private readonly ISchnorrVerifier _verifier;
    private readonly SequencerOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<Pending> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private LedgerEngine? _engine;
    private long _storedEntries;
    private long _storedBlocks;
    private volatile LoadSummary _lastLoad;
    private volatile LoadSummary? _broken;
    private IWriterLock? _lock;
    private StorageException? _reloadError;
    private int _disposed;
    private long _lockCheckedMs;
    private volatile StorageException? _fatal;
    private readonly IChainObserver? _observer;

    private sealed record Pending(VerifiedCommand Command, TaskCompletionSource<SubmitResult> Done)
    {
        /// <summary>When it was queued (<see cref="Stopwatch.GetTimestamp"/>).</summary>
        public long QueuedAt { get; } = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// The sequencer's meter (<c>Heerlen.Munt.Sequencer</c>), for <c>dotnet-counters monitor --counters Heerlen.Munt.Sequencer</c>
    /// or any OpenTelemetry exporter: commands per batch, milliseconds a command waited in the queue, milliseconds to
    /// decide a batch and to store it.
    /// </summary>
    public const string MeterName = "Heerlen.Munt.Sequencer";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("heerlen_munt.sequencer.batch_size", "{command}", "Commands decided and stored in one transaction.");
    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("heerlen_munt.sequencer.queue_wait", "ms", "How long a command waited in the queue before its batch was decided.");
    private static readonly Histogram<double> DecideTime = Meter.CreateHistogram<double>("heerlen_munt.sequencer.decide_duration", "ms", "Time to decide a batch against the in-memory state.");
    private static readonly Histogram<double> StoreTime = Meter.CreateHistogram<double>("heerlen_munt.sequencer.store_duration", "ms", "Time to store a batch's entries and blocks in one PostgreSQL transaction.");

    private Sequencer(IChainStore store, SigningKey operatorKey, ISchnorrVerifier verifier, SequencerOptions options, TimeProvider time, LoadedChain loaded, IWriterLock? writerLock, IChainObserver? observer)
    {
        _observer = observer;
        _lock = writerLock;
        _store = store;
        _operatorKey = operatorKey;
        _verifier = verifier;
        _options = options;
        _time = time;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = options.Scheduler is not null });
        _lastLoad = LoadSummary.Of(loaded);
        Adopt(loaded);
        _loop = options.Scheduler is null ? Task.Run(RunAsync) : Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, options.Scheduler).Unwrap();
    }

    /// <summary>The chain id.</summary>
    public string ChainId => _store.ChainId;

    /// <summary>What the last start-up or reload found (no live state: safe to read from any thread).</summary>
    public LoadSummary LastLoad => _lastLoad;

    /// <summary>
    /// Entries stored and verified: the height the next entry gets. On a broken chain, the height of the first broken
    /// entry — what lies at or above it must not be served as part of the chain.
    /// </summary>
    public long Height => Interlocked.Read(ref _storedEntries);

    /// <summary>If the stored chain is broken: where and why. Writes are refused; reads of the intact part still work.</summary>
    public LoadSummary? Broken => _broken;

    /// <summary>
    /// Loads and verifies the stored chain and starts the writer loop. <paramref name="observer"/>, if given, hears the
    /// load and every commit (see <see cref="IChainObserver"/>).
    /// </summary>
    public static async Task<Sequencer> StartAsync(IChainStore store, SigningKey operatorKey, ISchnorrVerifier verifier, SequencerOptions? options = null, TimeProvider? time = null, CancellationToken ct = default, IChainObserver? observer = null)
    {
        options ??= new SequencerOptions();
        await store.EnsureSingleChainAsync(ct);
        var writerLock = options.ExclusiveWriter ? await AcquireWriterLockAsync(store, options.WriterLockWait, ct) : null;
        try
        {
            observer?.LoadStarted();
            var loaded = await ChainLoader.LoadAsync(store, verifier, ct: ct, onVerifiedEntry: observer is null ? null : observer.EntryVerified);
            return new Sequencer(store, operatorKey, verifier, options, time ?? TimeProvider.System, loaded, writerLock, observer);
        }
        catch
        {
            if (writerLock is not null) await writerLock.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Checks an envelope's format and signatures here (on the caller's thread), then sequences it. A malformed or
    /// badly signed envelope is refused at once; every other answer comes once its batch is committed.
    /// </summary>
    public Task<SubmitResult> SubmitAsync(byte[] envelope, CancellationToken ct = default)
    {
        var (verified, refused) = Check(envelope);
        return refused is not null ? Task.FromResult(refused) : SubmitAsync(verified!, ct);
    }

    /// <summary>
    /// Checks many envelopes' signatures in parallel on all cores, then queues them in the order given (a client or a
    /// benchmark sending a burst). Returns one task per envelope, each with what <see cref="SubmitAsync(byte[], CancellationToken)"/>
    /// would give — a storage failure fails only the tasks of the batch it hit.
    /// </summary>
    public Task<SubmitResult>[] SubmitMany(IReadOnlyList<byte[]> envelopes, CancellationToken ct = default)
    {
        // A batch's worth at a time: the loop commits the first batch while the signatures of the next are checked.
        var checkedEnvelopes = new (VerifiedCommand? Verified, SubmitResult? Refused)[envelopes.Count];
        var pending = new Task<SubmitResult>[envelopes.Count];
        int chunk = Math.Max(256, _options.BatchMax);
        for (int start = 0; start < envelopes.Count; start += chunk)
        {
            int end = Math.Min(envelopes.Count, start + chunk);
            Parallel.For(start, end, new ParallelOptions { CancellationToken = ct }, i => checkedEnvelopes[i] = Check(envelopes[i]));
            for (int i = start; i < end; i++)
                pending[i] = checkedEnvelopes[i].Refused is { } refused ? Task.FromResult(refused) : SubmitAsync(checkedEnvelopes[i].Verified!, ct);
        }
        return pending;
    }

    /// <summary>Sequences a command whose signatures were checked already.</summary>
    public async Task<SubmitResult> SubmitAsync(VerifiedCommand command, CancellationToken ct = default)
    {
        if (_broken is { } broken) throw BrokenError(broken);
        var pending = new Pending(command, new TaskCompletionSource<SubmitResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException)
        {
            throw _fatal ?? new StorageException(StorageErrorCode.ShuttingDown, "the sequencer is stopped");
        }
        // Cancelling stops the wait, not the command: it may still be stored (a retry with the same id is safe).
        return await pending.Done.Task.WaitAsync(ct);
    }

    /// <summary>Stops taking commands, commits the queued ones, seals the last block, and stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(30), _time)) != _loop) await _stop.CancelAsync();
        await _loop; // never throws: RunAsync answers every caller itself
        _stop.Dispose();
        if (_lock is not null) await _lock.DisposeAsync();
    }

    private (VerifiedCommand? Verified, SubmitResult? Refused) Check(byte[] envelope)
    {
        var decoded = SignedCommand.Decode(envelope, ChainId);
        if (decoded.Command is null) return (null, new SubmitResult(decoded.Refusal, -1, null, false, decoded.Detail));
        var verified = VerifiedCommand.Verify(decoded.Command, _verifier);
        return verified is null ? (null, new SubmitResult(RejectionCode.BadSignature, -1, null, false)) : (verified, null);
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Adopt(LoadedChain loaded)
    {
        _lastLoad = LoadSummary.Of(loaded);
        _storedBlocks = loaded.StoredBlocks;
        if (!loaded.Intact)
        {
            Interlocked.Exchange(ref _storedEntries, loaded.Report.FailedAtHeight ?? loaded.Report.EntriesVerified);
            _broken = _lastLoad;
            _engine = null;
        }
        else
        {
            Interlocked.Exchange(ref _storedEntries, loaded.StoredEntries);
            _engine = loaded.Report.EntriesVerified == 0
                ? new LedgerEngine(ChainId, _operatorKey, _verifier, _options.Blocks, durable: true)
                : LedgerEngine.Resume(loaded.Replay, _operatorKey, _verifier, _options.Blocks);
            _engine.SealRandomness = _options.Randomness;
        }
        // Last, so an observer that reads Height then (a stream waiting for entries) sees the reloaded one.
        _observer?.LoadFinished(loaded);
    }

    /// <summary>A decided batch on its way to PostgreSQL: what to answer, what to store, what the observer copied.</summary>
    private sealed class Decided(List<Pending> batch, SubmitResult?[] results, IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, object? copied)
    {
        public List<Pending> Batch { get; } = batch;
        public SubmitResult?[] Results { get; } = results;
        public IReadOnlyList<RecordedEntry> Entries { get; } = entries;
        public IReadOnlyList<Block> Blocks { get; } = blocks;
        public object? Copied { get; } = copied;
        public Task Store { get; set; } = Task.CompletedTask;
        public long StoreStart { get; set; }
    }

    /// <summary>
    /// Commands that must be queued for the next batch to be decided while the previous one is being stored: a full
    /// batch. With less, waiting for the commit lets the next batch grow, and on a busy machine fewer, bigger
    /// transactions matter more than the overlap (a threshold of 64 made the API's p99 at 1,000 payments/s worse).
    /// </summary>
    private int PipelineThreshold => _options.Pipelining ? _options.BatchMax : int.MaxValue;

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        List<Pending> batch = [];
        Decided? storing = null;
        Task<bool>? wait = null;
        try
        {
            while (true)
            {
                if (storing is not null && reader.Count < PipelineThreshold)
                {
                    // Too little queued to be worth deciding while this batch is stored: finish it (answering its callers),
                    // so that what arrives meanwhile joins one bigger batch (group commit).
                    await FinishAsync(storing, next: null);
                    storing = null;
                    continue;
                }
                // Wait for work, or for the block interval to pass so that a quiet chain still gets sealed.
                bool more;
                try
                {
                    wait ??= reader.WaitToReadAsync(_stop.Token).AsTask();
                    if (!wait.IsCompleted)
                    {
                        var tick = Task.Delay(TimeSpan.FromMilliseconds(Math.Max(10, _options.Blocks.IntervalMs)), _time, _stop.Token);
                        if (await Task.WhenAny(wait, tick) == tick)
                        {
                            await SealIfDueAsync();
                            continue;
                        }
                    }
                    more = await wait;
                    wait = null;
                }
                catch (OperationCanceledException)
                {
                    more = false;
                }
                if (!more) break;

                batch = new List<Pending>(Math.Min(_options.BatchMax, 1024));
                while (batch.Count < _options.BatchMax && reader.TryRead(out var p)) batch.Add(p);
                if (storing is null && batch.Count < _options.BatchMax && _options.BatchWait > TimeSpan.Zero)
                {
                    // Group commit: when nothing is being stored, give others a moment to join this batch. (While a batch
                    // is being stored, its commit is the wait.)
                    await Task.Delay(_options.BatchWait, _time);
                    while (batch.Count < _options.BatchMax && reader.TryRead(out var p)) batch.Add(p);
                }

                // The writer lock is checked and a failed state reloaded only with nothing in flight.
                if (storing is not null && (_engine is null || LockCheckDue))
                {
                    await FinishAsync(storing, next: null);
                    storing = null;
                }
                // Decide this batch while the previous one is being stored (pipelining): the next state builds on the
                // previous batch, so if that one fails to store, this one is abandoned with it (FinishAsync).
                var decided = await DecideAsync(batch);
                if (storing is not null)
                {
                    await FinishAsync(storing, next: decided);
                    storing = null;
                }
                if (decided is not null && _engine is not null)
                {
                    storing = StartStore(decided);
                    batch = [];
                }
            }
            if (storing is not null) await FinishAsync(storing, next: null);
            storing = null;
            await SealIfDueAsync(force: true);
        }
        catch (Exception e)
        {
            // A bug in the loop itself: nobody may be left waiting, and another server must be able to take over.
            _fatal = new StorageException(StorageErrorCode.Unexpected, "the sequencer stopped after an internal error", e);
            foreach (var p in batch) p.Done.TrySetException(_fatal);
            if (storing is not null)
                foreach (var p in storing.Batch) p.Done.TrySetException(_fatal);
            _queue.Writer.TryComplete();
            if (_lock is not null) await _lock.DisposeAsync();
            _lock = null;
        }
        finally
        {
            var error = _fatal ?? new StorageException(StorageErrorCode.ShuttingDown, "the sequencer stopped");
            while (reader.TryRead(out var left)) left.Done.TrySetException(error);
        }
    }

    /// <summary>
    /// Decides a batch against the in-memory state and takes its entries and blocks; null if the batch was answered
    /// already (a broken chain, a state that could not be reloaded, an internal error).
    /// </summary>
    private async Task<Decided?> DecideAsync(List<Pending> batch)
    {
        if (_broken is { } broken)
        {
            foreach (var p in batch) p.Done.TrySetException(BrokenError(broken));
            return null;
        }
        await CheckLockAsync(); // a lost writer lock drops the engine, like a storage failure
        if (_engine is null && !await ReloadAsync())
        {
            var error = _broken is { } nowBroken ? BrokenError(nowBroken) : _reloadError ?? new StorageException(StorageErrorCode.DatabaseUnavailable, "the chain could not be reloaded after a storage failure");
            foreach (var p in batch) p.Done.TrySetException(error);
            return null;
        }
        var engine = _engine!;
        long now = NowMs;
        long decideStart = Stopwatch.GetTimestamp();
        if (QueueWait.Enabled)
            foreach (var p in batch) QueueWait.Record(Stopwatch.GetElapsedTime(p.QueuedAt, decideStart).TotalMilliseconds);
        var results = new SubmitResult?[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            if (batch[i].Command.Command is EstablishChain establish && establish.OperatorKey != _operatorKey.PublicKey && !engine.State.IsEstablished)
            {
                // A misconfigured server: its operator key could never seal this chain's blocks. Answer, go on.
                batch[i].Done.TrySetException(new StorageException(StorageErrorCode.Unexpected, "this server's operator key is not the one the EstablishChain command names"));
                continue;
            }
            try
            {
                results[i] = engine.Submit(batch[i].Command, now);
            }
            catch (Exception e)
            {
                // A broken invariant is a bug: answer everyone in the batch, and rebuild the state from what is stored
                // (after the batch in flight, if any, is finished: see RunAsync).
                var error = new StorageException(StorageErrorCode.Unexpected, "the batch was abandoned after an internal error; nothing of it was stored", e);
                foreach (var p in batch) p.Done.TrySetException(error);
                engine.TakeRecorded();
                _engine = null;
                return null;
            }
        }
        engine.Tick(now);
        var (entries, blocks) = engine.TakeRecorded();
        DecideTime.Record(Stopwatch.GetElapsedTime(decideStart).TotalMilliseconds);
        BatchSize.Record(batch.Count);
        return new Decided(batch, results, entries, blocks, _observer?.Decided(entries, blocks, engine.State));
    }

    /// <summary>Starts storing a decided batch (Marten builds the transaction here, then PostgreSQL works while the loop may decide the next batch).</summary>
    private Decided StartStore(Decided decided)
    {
        long entriesBefore = _storedEntries, blocksBefore = _storedBlocks;
        decided.StoreStart = Stopwatch.GetTimestamp();
        decided.Store = _store.AppendAsync(decided.Entries, decided.Blocks, entriesBefore, blocksBefore);
        return decided;
    }

    /// <summary>
    /// Waits for a batch in flight to be stored, then answers its callers. If storing failed, its callers get the
    /// error, the state is dropped (reloaded before the next batch), and <paramref name="next"/> — decided on top of
    /// the failed batch — is abandoned too: its callers get the same error, and nothing of it is stored.
    /// </summary>
    private async Task FinishAsync(Decided storing, Decided? next)
    {
        try
        {
            await storing.Store;
            StoreTime.Record(Stopwatch.GetElapsedTime(storing.StoreStart).TotalMilliseconds);
        }
        catch (Exception e)
        {
            var error = e as StorageException ?? StorageErrors.Translate(e);
            foreach (var p in storing.Batch) p.Done.TrySetException(error);
            if (next is not null)
                foreach (var p in next.Batch) p.Done.TrySetException(error);
            _engine = null; // the in-memory state is ahead of the database: reload before the next batch
            return;
        }
        Interlocked.Add(ref _storedEntries, storing.Entries.Count);
        _storedBlocks += storing.Blocks.Count;
        _observer?.Committed(storing.Entries, storing.Blocks, storing.Copied);
        for (int i = 0; i < storing.Batch.Count; i++)
        {
            if (storing.Results[i] is not { } r) continue;
            if (r.IsRetry && r.EntryHash is null) _ = AnswerOldRetryAsync(storing.Batch[i], r);
            else storing.Batch[i].Done.TrySetResult(r);
        }
    }

    private async Task SealIfDueAsync(bool force = false)
    {
        if (!force) await CheckLockAsync();
        // An idle writer whose state or lock was lost (the database went away meanwhile) recovers now, not only when the
        // next command arrives: otherwise its last entries stay unsealed and its lock free for as long as it is idle.
        // (Found by the deterministic simulation, seed 657406439.)
        if (!force && _engine is null && _broken is null && !await ReloadAsync()) return;
        if (_engine is not { } engine || _broken is not null) return;
        long now = NowMs;
        if (force) engine.SealBlock(now);
        else engine.Tick(now);
        var (entries, blocks) = engine.TakeRecorded();
        if (blocks.Count == 0) return;
        try
        {
            object? copied = _observer?.Decided(entries, blocks, engine.State);
            await _store.AppendAsync(entries, blocks, _storedEntries, _storedBlocks);
            _storedBlocks += blocks.Count;
            _observer?.Committed(entries, blocks, copied);
        }
        catch (StorageException)
        {
            _engine = null;
        }
    }

    private async Task<bool> ReloadAsync()
    {
        try
        {
            if (_options.ExclusiveWriter && (_lock is null || !await _lock.IsHeldAsync()))
            {
                // The failure may have been PostgreSQL going away, and the lock with it: take it again first. A healthy
                // lock is kept, so no other server can slip in while this one reloads.
                if (_lock is not null) await _lock.DisposeAsync();
                _lock = null;
                _lock = await AcquireWriterLockAsync(_store, _options.RetryWait, CancellationToken.None);
            }
            _observer?.LoadStarted();
            Adopt(await ChainLoader.LoadAsync(_store, _verifier, onVerifiedEntry: _observer is null ? null : _observer.EntryVerified));
            _reloadError = null;
            return _engine is not null;
        }
        catch (StorageException e)
        {
            _reloadError = e;
            await Task.Delay(_options.RetryWait, _time);
            return false;
        }
    }

    /// <summary>Every so often (and when idle), checks that the writer lock's session is alive; if not, reloads.</summary>
    private bool LockCheckDue => _lock is not null && _engine is not null && NowMs - _lockCheckedMs >= 1_000;

    private async Task CheckLockAsync()
    {
        if (!LockCheckDue) return;
        _lockCheckedMs = NowMs;
        if (!await _lock!.IsHeldAsync()) _engine = null; // the next batch reloads and takes the lock again
    }

    private static Task<IWriterLock> AcquireWriterLockAsync(IChainStore store, TimeSpan wait, CancellationToken ct) =>
        store.AcquireWriterLockAsync(wait, ct);

    private async Task AnswerOldRetryAsync(Pending p, SubmitResult r)
    {
        try
        {
            var stored = await _store.ReadEntryAsync(r.Height);
            p.Done.TrySetResult(r with { EntryHash = stored is null ? null : Hash32.FromHex(stored.Hash) });
        }
        catch (Exception e)
        {
            p.Done.TrySetException(StorageErrors.Translate(e));
        }
    }

    private static StorageException BrokenError(LoadSummary broken) =>
        new(StorageErrorCode.ChainBroken, $"chain broken at height {broken.FailedAtHeight}: {broken.Rule}: {broken.Explanation}");
}
