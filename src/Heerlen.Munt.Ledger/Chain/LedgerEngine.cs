using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;

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

/// <summary>An entry the engine recorded and its facts, waiting to be stored.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Facts">What read models need to know about it.</param>
public sealed record RecordedEntry(Entry Entry, EntryFacts Facts);

/// <summary>
/// The in-memory chain: decode → verify signatures → decide → append → apply, and block sealing.
/// Single-threaded by design (one writer per chain); no I/O, and the time is always passed in.
/// In <c>durable</c> mode it keeps no history in memory: new entries (with their facts) and blocks wait in
/// <see cref="TakeRecorded"/> for the durable sequencer to store them.
/// </summary>
public sealed class LedgerEngine
{
    private readonly ISchnorrVerifier _verifier;
    private readonly BlockPolicy _policy;
    private readonly SigningKey _operatorKey;
    private readonly bool _durable;
    private readonly List<Entry> _entries = [];
    private readonly List<Block> _blocks = [];
    private readonly List<RecordedEntry> _newEntries = [];
    private readonly List<Block> _newBlocks = [];
    private readonly MerkleFrontier _frontier;
    private Block? _lastBlock;
    private long _lastSealMs;
    private long _oldestUnsealedMs;

    /// <summary>A new, empty chain. The operator key must be the one the EstablishChain command names.</summary>
    public LedgerEngine(string chainId, SigningKey operatorKey, ISchnorrVerifier verifier, BlockPolicy? policy = null, bool durable = false)
        : this(new LedgerState(chainId), new MerkleFrontier(), null, operatorKey, verifier, policy, durable)
    {
    }

    private LedgerEngine(LedgerState state, MerkleFrontier frontier, Block? lastBlock, SigningKey operatorKey, ISchnorrVerifier verifier, BlockPolicy? policy, bool durable)
    {
        State = state;
        _frontier = frontier;
        _lastBlock = lastBlock;
        _lastSealMs = lastBlock?.SealedAtMs ?? 0;
        _operatorKey = operatorKey;
        _verifier = verifier;
        _policy = policy ?? new BlockPolicy();
        _durable = durable;
        if (state.IsEstablished && state.OperatorKey != operatorKey.PublicKey)
            throw new InvalidOperationException("this engine's operator key is not the one the chain names; its blocks would never verify");
    }

    /// <summary>
    /// Carries on from a chain that was replayed and verified (<see cref="ChainReplay.Finish"/> said OK), in durable
    /// mode. Entries not yet in a block are sealed at the next <see cref="Tick"/>.
    /// </summary>
    public static LedgerEngine Resume(ChainReplay replay, SigningKey operatorKey, ISchnorrVerifier verifier, BlockPolicy? policy = null) =>
        new(replay.State, replay.Frontier, replay.LastBlock, operatorKey, verifier, policy, durable: true);

    /// <summary>The current state (read it; never change it).</summary>
    public LedgerState State { get; }

    /// <summary>
    /// Where the auxiliary randomness of block signatures (BIP340 aux_rand) comes from; null: fresh from the system.
    /// A seam for the deterministic simulation, which gives a seeded source so that a run replays byte for byte.
    /// </summary>
    public System.Security.Cryptography.RandomNumberGenerator? SealRandomness { get; set; }

    /// <summary>Every entry, by height (empty in durable mode).</summary>
    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>Every sealed block (empty in durable mode).</summary>
    public IReadOnlyList<Block> Blocks => _blocks;

    /// <summary>The last sealed block, if any.</summary>
    public Block? LastBlock => _lastBlock;

    /// <summary>Entries and blocks recorded since the last call, in order; durable mode only.</summary>
    public (IReadOnlyList<RecordedEntry> Entries, IReadOnlyList<Block> Blocks) TakeRecorded()
    {
        var taken = ((IReadOnlyList<RecordedEntry>)[.. _newEntries], (IReadOnlyList<Block>)[.. _newBlocks]);
        _newEntries.Clear();
        _newBlocks.Clear();
        return taken;
    }

    /// <summary>Decodes, verifies, decides and, if recorded, appends and applies one command.</summary>
    public SubmitResult Submit(ReadOnlySpan<byte> envelope, long nowMs)
    {
        var decoded = SignedCommand.Decode(envelope, State.ChainId);
        if (decoded.Command is null) return new SubmitResult(decoded.Refusal, -1, null, false, decoded.Detail);
        var verified = VerifiedCommand.Verify(decoded.Command, _verifier);
        if (verified is null) return new SubmitResult(RejectionCode.BadSignature, -1, null, false);
        return Submit(verified, nowMs);
    }

    /// <summary>
    /// Decides and records a command whose signatures were already checked (e.g. in parallel).
    /// For a retry of a command recorded before the pending entries (durable mode), the entry hash is null:
    /// the caller looks it up in the store.
    /// </summary>
    public SubmitResult Submit(VerifiedCommand verified, long nowMs)
    {
        // Time never goes back on the chain: not before the last entry, nor before the last seal.
        long timestampMs = Math.Max(nowMs, Math.Max(State.LastTimestampMs, _lastSealMs));
        Decision decision = LedgerRules.Decide(State, verified, timestampMs);
        if (decision.IsDuplicate)
            return new SubmitResult(decision.Code, decision.DuplicateOfHeight, HashAt(decision.DuplicateOfHeight), true);
        if (!decision.IsRecorded) return new SubmitResult(decision.Code, -1, null, false);

        if (verified.Command is EstablishChain establish && establish.OperatorKey != _operatorKey.PublicKey)
            throw new InvalidOperationException("this engine's operator key is not the one the chain names; its blocks would never verify");
        var entry = Entry.Create(State.NextHeight, State.HeadHash, timestampMs, decision.Code, verified.Signed.Envelope);
        if (_durable) _newEntries.Add(new RecordedEntry(entry, EntryFacts.Describe(State, verified, entry)));
        LedgerRules.Apply(State, verified, entry);
        if (!_durable) _entries.Add(entry);
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
        var block = Block.Seal(_lastBlock is null ? 0 : _lastBlock.Number + 1, CoveredSize, _frontier.Size, _frontier.Root(), _lastBlock?.Hash ?? Hash32.Zero, sealedAt, _operatorKey, SealAux());
        if (_durable) _newBlocks.Add(block);
        else _blocks.Add(block);
        _lastBlock = block;
        _lastSealMs = sealedAt;
        return block;
    }

    private long CoveredSize => _lastBlock?.TreeSize ?? 0;

    private byte[]? SealAux()
    {
        if (SealRandomness is not { } source) return null;
        var aux = new byte[32];
        source.GetBytes(aux);
        return aux;
    }

    private Hash32? HashAt(long height)
    {
        if (!_durable) return _entries[(int)height].Hash;
        long firstNew = State.NextHeight - _newEntries.Count;
        return height >= firstNew ? _newEntries[(int)(height - firstNew)].Entry.Hash : null;
    }
}
