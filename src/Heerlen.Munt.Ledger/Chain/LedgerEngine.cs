using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain;

/// <summary>When a block is sealed: after <paramref name="EntriesMax"/> entries or <paramref name="IntervalMs"/> ms, whichever comes first.</summary>
public sealed record BlockPolicy(int EntriesMax = 1000, long IntervalMs = 1000);

/// <summary>What happened to a submitted command.</summary>
/// <param name="Code">None if applied; else the refusal or recorded rejection.</param>
/// <param name="Height">Height of the entry that recorded it, or -1 if refused.</param>
/// <param name="EntryHash">Hash of that entry, if any.</param>
/// <param name="IsRetry">True if the command was already on the chain and this is its original outcome.</param>
/// <param name="Detail">Technical detail for developers.</param>
public sealed record SubmitResult(RejectionCode Code, long Height, Hash32? EntryHash, bool IsRetry, string Detail = "")
{
    /// <summary>True if the command's effects are in the ledger.</summary>
    public bool Applied => Code == RejectionCode.None;
}

/// <summary>
/// The in-memory chain: decode → verify signatures → decide → append → apply, and block sealing.
/// Single-threaded by design (one writer per chain); no I/O, and the time is always passed in.
/// The durable sequencer wraps this with a queue and group commit to PostgreSQL.
/// </summary>
public sealed class LedgerEngine
{
    private readonly ISchnorrVerifier _verifier;
    private readonly BlockPolicy _policy;
    private readonly SigningKey _operatorKey;
    private readonly List<Entry> _entries = [];
    private readonly List<Block> _blocks = [];
    private readonly MerkleFrontier _frontier = new();
    private long _lastSealMs;
    private long _oldestUnsealedMs;

    /// <summary>A new, empty chain. The operator key must be the one the EstablishChain command names.</summary>
    public LedgerEngine(string chainId, SigningKey operatorKey, ISchnorrVerifier verifier, BlockPolicy? policy = null)
    {
        State = new LedgerState(chainId);
        _operatorKey = operatorKey;
        _verifier = verifier;
        _policy = policy ?? new BlockPolicy();
    }

    /// <summary>The current state (read it; never change it).</summary>
    public LedgerState State { get; }

    /// <summary>Every entry, by height.</summary>
    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>Every sealed block.</summary>
    public IReadOnlyList<Block> Blocks => _blocks;

    /// <summary>Decodes, verifies, decides and, if recorded, appends and applies one command.</summary>
    public SubmitResult Submit(ReadOnlySpan<byte> envelope, long nowMs)
    {
        var decoded = SignedCommand.Decode(envelope, State.ChainId);
        if (decoded.Command is null) return new SubmitResult(decoded.Refusal, -1, null, false, decoded.Detail);
        var verified = VerifiedCommand.Verify(decoded.Command, _verifier);
        if (verified is null) return new SubmitResult(RejectionCode.BadSignature, -1, null, false);
        return Submit(verified, nowMs);
    }

    /// <summary>Decides and records a command whose signatures were already checked (e.g. in parallel).</summary>
    public SubmitResult Submit(VerifiedCommand verified, long nowMs)
    {
        // Time never goes back on the chain: not before the last entry, nor before the last seal.
        long timestampMs = Math.Max(nowMs, Math.Max(State.LastTimestampMs, _lastSealMs));
        Decision decision = LedgerRules.Decide(State, verified, timestampMs);
        if (decision.IsDuplicate)
            return new SubmitResult(decision.Code, decision.DuplicateOfHeight, _entries[(int)decision.DuplicateOfHeight].Hash, true);
        if (!decision.IsRecorded) return new SubmitResult(decision.Code, -1, null, false);

        if (verified.Command is EstablishChain establish && establish.OperatorKey != _operatorKey.PublicKey)
            throw new InvalidOperationException("this engine's operator key is not the one the chain names; its blocks would never verify");
        var entry = Entry.Create(State.NextHeight, State.HeadHash, timestampMs, decision.Code, verified.Signed.Envelope);
        LedgerRules.Apply(State, verified, entry);
        _entries.Add(entry);
        if (_frontier.Size == CoveredSize) _oldestUnsealedMs = timestampMs;
        _frontier.Append(entry.Hash);
        if (_frontier.Size - CoveredSize >= _policy.EntriesMax) SealBlock(timestampMs);
        return new SubmitResult(decision.Code, entry.Height, entry.Hash, false);
    }

    /// <summary>Seals a block if the oldest unsealed entry has waited the interval. Call it from a timer.</summary>
    public Block? Tick(long nowMs) =>
        _frontier.Size > CoveredSize && nowMs - _oldestUnsealedMs >= _policy.IntervalMs ? SealBlock(nowMs) : null;

    /// <summary>Seals every entry not yet in a block; null if there are none.</summary>
    public Block? SealBlock(long nowMs)
    {
        if (_frontier.Size == CoveredSize) return null;
        long sealedAt = Math.Max(nowMs, Math.Max(State.LastTimestampMs, _lastSealMs));
        Block? previous = _blocks.Count > 0 ? _blocks[^1] : null;
        var block = Block.Seal(_blocks.Count, CoveredSize, _frontier.Size, _frontier.Root(), previous?.Hash ?? Hash32.Zero, sealedAt, _operatorKey);
        _blocks.Add(block);
        _lastSealMs = sealedAt;
        return block;
    }

    private long CoveredSize => _blocks.Count > 0 ? _blocks[^1].TreeSize : 0;
}
