using System.Diagnostics;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Verify;

/// <summary>What the auditor checks besides the chain itself.</summary>
/// <param name="Verifier">The BIP340 verifier (native when available).</param>
/// <param name="Remembered">The checkpoint verified last time: history up to it must be unchanged.</param>
/// <param name="OperatorKey">An operator key known from elsewhere (pinned): the chain must name it.</param>
/// <param name="ClaimedOperatorKey">The operator key an export file's header names: the chain must name it too.</param>
/// <param name="BeforeApply">Sees every entry with the state just before it (e.g. the statistics fold).</param>
/// <param name="RequiredBlocks">Checkpoints the replay must meet, number and hash, or it fails: the remembered one, the
/// latest a server named at the start, the one a consistency proof led to. A source that leaves one out, or serves another
/// block under its number, hides or forks history.</param>
/// <param name="BatchEntries">Entries per batch whose signatures are checked together on all cores. The default suits
/// big chains; tests make it small so that every failure lands near a batch boundary.</param>
internal sealed record AuditOptions(
    ISchnorrVerifier Verifier,
    RememberedCheckpoint? Remembered = null,
    AccountId? OperatorKey = null,
    AccountId? ClaimedOperatorKey = null,
    Action<LedgerState, VerifiedCommand, Entry>? BeforeApply = null,
    IReadOnlyList<RequiredBlock>? RequiredBlocks = null,
    int BatchEntries = AuditOptions.DefaultBatchEntries)
{
    /// <summary>Entries per batch unless a test says otherwise.</summary>
    public const int DefaultBatchEntries = 2048;
}

/// <summary>A checkpoint the replay must verify.</summary>
/// <param name="Number">Its block number.</param>
/// <param name="TreeSize">Entries it covers.</param>
/// <param name="Hash">Its block hash.</param>
/// <param name="Why">Where it comes from, for the explanation ("the checkpoint you verified on …").</param>
/// <param name="Forked">True if missing it means history the verifier saw was changed (exit code 4).</param>
internal sealed record RequiredBlock(long Number, long TreeSize, Hash32 Hash, string Why, bool Forked);

/// <summary>Progress for the bar.</summary>
/// <param name="Entries">Entries checked so far.</param>
/// <param name="Expected">Entries expected, if known.</param>
/// <param name="Elapsed">Time since the start.</param>
internal readonly record struct AuditProgress(long Entries, long? Expected, TimeSpan Elapsed);

/// <summary>The verdict.</summary>
/// <param name="Report">The chain verifier's report (first failure, or OK).</param>
/// <param name="Forked">True if the failure is a change of history the verifier had already seen (exit code 4).</param>
/// <param name="Elapsed">How long it took.</param>
/// <param name="LastBlock">The last checkpoint that verified, if any.</param>
internal sealed record AuditResult(VerificationReport Report, bool Forked, TimeSpan Elapsed, Block? LastBlock)
{
    /// <summary>Entries per second.</summary>
    public long EntriesPerSecond => Elapsed.TotalMilliseconds < 1 ? Report.EntriesVerified : (long)(Report.EntriesVerified * 1000 / Elapsed.TotalMilliseconds);
}

/// <summary>
/// Verifies a chain from any source with the ledger core's <see cref="ChainReplay"/>: signatures checked in parallel
/// in batches, everything else in order. Also compares history with the checkpoint remembered from last time.
/// </summary>
/// <remarks>
/// Two stages overlap: while the thread pool prepares one batch (decodes the entries, checks their hashes and
/// signatures, on all cores), this method replays the batch before it in order (rules, Merkle frontier, blocks) and
/// reads the next. Only the replay decides, entry by entry in chain order, so the first failure is the one reported.
/// </remarks>
internal static class Auditor
{
    /// <summary>Runs the whole check.</summary>
    public static async Task<AuditResult> RunAsync(IChainSource source, AuditOptions options, IProgress<AuditProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var replay = new ChainReplay(source.ChainId, options.Verifier);
        var run = new Run(replay, options);
        int batchEntries = Math.Max(1, options.BatchEntries);
        var batch = NewBatch(batchEntries);
        int entriesInBatch = 0;
        long lastReport = 0;
        VerificationReport? failure = null;
        Task<PreparedBatch>? preparing = null; // the batch before `batch`, being prepared
        Task<PreparedBatch>? abandoned = null; // a batch prepared for nothing after a failure: waited for before returning
        try
        {
            try
            {
                await foreach (var record in source.ReadAsync(ct))
                {
                    batch.Add(record);
                    if (record.Entry is not null) entriesInBatch++;
                    if (entriesInBatch < batchEntries) continue;
                    var next = run.PrepareAsync(batch);
                    batch = NewBatch(batchEntries);
                    entriesInBatch = 0;
                    if (preparing is not null) failure = run.Replay(await preparing);
                    preparing = next;
                    if (failure is not null)
                    {
                        (abandoned, preparing) = (preparing, null);
                        break;
                    }
                    if (clock.ElapsedMilliseconds - lastReport >= 100)
                    {
                        lastReport = clock.ElapsedMilliseconds;
                        progress?.Report(new AuditProgress(replay.State.NextHeight, source.ExpectedEntries, clock.Elapsed));
                    }
                }
            }
            catch (SourceBrokenException e)
            {
                // Check what arrived before the damage first: a broken entry before it is the first failure.
                failure = (preparing is null ? null : run.Replay(await preparing))
                    ?? run.Replay(await run.PrepareAsync(batch))
                    ?? Broken(replay, e.Rule, e.Height, e.Message);
                preparing = null;
                batch.Clear();
            }
            if (failure is null && preparing is not null) failure = run.Replay(await preparing);
            failure ??= run.Replay(await run.PrepareAsync(batch));
            failure ??= run.Finish();
        }
        finally
        {
            // Nothing of this run may still be running when it returns (also when it throws).
            foreach (Task? pending in new[] { preparing, abandoned })
            {
                if (pending is not null) await pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        progress?.Report(new AuditProgress(replay.State.NextHeight, source.ExpectedEntries, clock.Elapsed));
        return new AuditResult(failure, run.Forked, clock.Elapsed, replay.LastBlock);
    }

    private static List<ChainRecord> NewBatch(int entries) => new(entries + entries / 128 + 1);

    /// <summary>A batch of records with its entries prepared (decoded, hashes and signatures checked); null for a block.</summary>
    private sealed record PreparedBatch(List<ChainRecord> Records, PreparedEntry?[] Entries);

    private static VerificationReport Broken(ChainReplay replay, string rule, long? height, string explanation) =>
        new(false, replay.State.NextHeight, replay.BlocksVerified, height ?? replay.State.NextHeight, rule, explanation, replay.State);

    private sealed class Run(ChainReplay replay, AuditOptions options)
    {
        public bool Forked { get; private set; }

        private bool _operatorChecked;
        private readonly HashSet<long> _metRequired = [];
        private readonly Func<LedgerState, VerifiedCommand, Entry, string?>? _beforeApply = options.BeforeApply is { } hook
            ? (state, command, entry) => { hook(state, command, entry); return null; }
        : null;

        /// <summary>Prepares a batch's entries on the thread pool, on all cores.</summary>
        public Task<PreparedBatch> PrepareAsync(List<ChainRecord> batch)
        {
            if (batch.Count == 0) return Task.FromResult(new PreparedBatch(batch, []));
            string chainId = replay.State.ChainId;
            var verifier = options.Verifier;
            return Task.Run(() =>
            {
                var prepared = new PreparedEntry?[batch.Count];
                Parallel.For(0, batch.Count, i =>
                {
                    if (batch[i].Entry is { } bytes) prepared[i] = PreparedEntry.Prepare(bytes, chainId, verifier);
                });
                return new PreparedBatch(batch, prepared);
            });
        }

        /// <summary>Replays a prepared batch in order; the first failure, or null.</summary>
        public VerificationReport? Replay(PreparedBatch batch)
        {
            var (records, prepared) = batch;
            for (int i = 0; i < records.Count; i++)
            {
                var failure = records[i].Block is { } block ? replay.CheckBlock(block) ?? CheckRequired(block) : replay.Check(prepared[i]!, _beforeApply);
                failure ??= CheckOperator() ?? CheckRemembered();
                if (failure is not null) return failure;
            }
            return null;
        }

        public VerificationReport Finish()
        {
            var report = replay.Finish();
            if (!report.Ok) return report;
            long entries = replay.State.NextHeight;
            if (entries == 0)
                return Broken(replay, "empty_chain", 0, "the source holds no entries: there is nothing that could be verified");
            if (options.Remembered is { } remembered && replay.Frontier.Size < remembered.TreeSize)
            {
                Forked = true;
                return Broken(replay, "remembered_checkpoint",
                    replay.State.NextHeight,
                    $"the chain ends at {replay.Frontier.Size} entries, but on {remembered.VerifiedAtUtc} you verified a checkpoint of {remembered.TreeSize}: entries were removed");
            }
            foreach (var required in options.RequiredBlocks ?? [])
            {
                if (_metRequired.Contains(required.Number)) continue;
                Forked |= required.Forked;
                return Broken(replay, required.Forked ? "remembered_checkpoint" : "server_answers", Math.Min(required.TreeSize, entries) - 1,
                    $"checkpoint {required.Number} ({required.Why}) is not in what the source gave: history was hidden or replaced");
            }
            if (replay.BlocksVerified == 0)
                return Broken(replay, "block_coverage", entries - 1, "no checkpoint covers any entry: the operator has signed nothing it can be held to");
            return report;
        }

        private VerificationReport? CheckRequired(Block block)
        {
            foreach (var required in options.RequiredBlocks ?? [])
            {
                if (required.Number != block.Number) continue;
                if (required.Hash == block.Hash && required.TreeSize == block.TreeSize)
                {
                    _metRequired.Add(required.Number);
                    continue;
                }
                Forked |= required.Forked;
                return Broken(replay, required.Forked ? "remembered_checkpoint" : "server_answers", block.TreeSize - 1,
                    $"checkpoint {block.Number} is not the checkpoint {required.Number} {required.Why}: two histories under one number");
            }
            return null;
        }

        private VerificationReport? CheckOperator()
        {
            if (_operatorChecked || !replay.State.IsEstablished) return null;
            _operatorChecked = true;
            if (options.OperatorKey is { } pinned && replay.State.OperatorKey != pinned)
                return Broken(replay, "operator_key", 0, $"the chain names operator key {Convert.ToHexStringLower(replay.State.OperatorKey.Span)}, not the key you gave ({Convert.ToHexStringLower(pinned.Span)})");
            if (options.ClaimedOperatorKey is { } claimed && replay.State.OperatorKey != claimed)
                return Broken(replay, "export_header", 0, $"the export's header names operator key {Convert.ToHexStringLower(claimed.Span)}, but the chain's first entry names {Convert.ToHexStringLower(replay.State.OperatorKey.Span)}");
            if (options.Remembered is { } remembered && replay.State.OperatorKey != remembered.Operator)
            {
                Forked = true;
                return Broken(replay, "remembered_checkpoint", 0, $"the chain starts with another operator key than the chain you verified on {remembered.VerifiedAtUtc}: this is a different history");
            }
            return null;
        }

        private VerificationReport? CheckRemembered()
        {
            if (options.Remembered is not { } remembered || replay.Frontier.Size != remembered.TreeSize) return null;
            if (replay.Frontier.Root() == remembered.Root) return null;
            Forked = true;
            return Broken(replay, "remembered_checkpoint", remembered.TreeSize - 1,
                $"the first {remembered.TreeSize} entries have another Merkle root than the checkpoint you verified on {remembered.VerifiedAtUtc}: history was rewritten");
        }
    }
}
