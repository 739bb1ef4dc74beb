using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain;

/// <summary>The outcome of verifying a chain.</summary>
/// <param name="Ok">True if every check passed.</param>
/// <param name="EntriesVerified">Entries checked before the first failure (or all).</param>
/// <param name="BlocksVerified">Blocks checked before the first failure (or all).</param>
/// <param name="FailedAtHeight">Height of the first failure, or null.</param>
/// <param name="Rule">Stable name of the broken rule (e.g. <c>hash_link</c>), or empty.</param>
/// <param name="Explanation">One line for a person.</param>
/// <param name="State">The state rebuilt from the verified part.</param>
public sealed record VerificationReport(bool Ok, long EntriesVerified, long BlocksVerified, long? FailedAtHeight, string Rule, string Explanation, LedgerState State)
{
    /// <summary>A one-line summary.</summary>
    public override string ToString() => Ok
        ? $"chain verified: {EntriesVerified} entries, {BlocksVerified} blocks"
        : $"chain broken at height {FailedAtHeight}: {Rule}: {Explanation}";
}

/// <summary>
/// Checks a chain without trusting whoever stored it: every hash link, every signature against the key
/// entitled at that height, every decision replayed by the rules, every block's Merkle root and seal,
/// and every invariant. Depends on the ledger core only.
/// </summary>
public static class ChainVerifier
{
    /// <summary>Verifies stored entries (in the order given) and blocks.</summary>
    public static VerificationReport Verify(string chainId, IEnumerable<byte[]> encodedEntries, IEnumerable<Block> blocks, ISchnorrVerifier verifier)
    {
        var replay = new ChainReplay(chainId, verifier, blocks);
        foreach (byte[] bytes in encodedEntries)
        {
            var failure = replay.Check(bytes);
            if (failure is not null) return failure;
        }
        return replay.Finish();
    }
}

/// <summary>
/// The stateless part of checking one stored entry: its format and hash, its command's format and its
/// signatures. Independent of every other entry, so a loader can prepare many in parallel.
/// </summary>
public sealed class PreparedEntry
{
    private PreparedEntry(Entry? entry, VerifiedCommand? command, string rule, string problem)
    {
        Entry = entry;
        Command = command;
        Rule = rule;
        Problem = problem;
    }

    /// <summary>The decoded entry (its hash checked), or null if its bytes are bad.</summary>
    public Entry? Entry { get; }

    /// <summary>The command with its signatures checked, or null.</summary>
    public VerifiedCommand? Command { get; }

    /// <summary>The rule broken (<c>entry_format</c>, <c>command_format</c>, <c>signature</c>) or empty.</summary>
    public string Rule { get; }

    /// <summary>What is wrong, for a person; empty if nothing.</summary>
    public string Problem { get; }

    /// <summary>Decodes and checks one stored entry.</summary>
    public static PreparedEntry Prepare(byte[] bytes, string chainId, ISchnorrVerifier verifier)
    {
        if (!Entry.TryDecode(bytes, out var entry, out string problem)) return new(null, null, "entry_format", problem);
        var decoded = SignedCommand.DecodeShared(entry!.Envelope, chainId);
        if (decoded.Command is null) return new(entry, null, "command_format", $"{Rejections.Code(decoded.Refusal)}: {decoded.Detail}");
        var verified = VerifiedCommand.Verify(decoded.Command, verifier);
        return verified is null ? new(entry, null, "signature", "a signature on the command does not check out") : new(entry, verified, "", "");
    }
}

/// <summary>
/// Replays a chain entry by entry from height 0, checking everything <see cref="ChainVerifier"/> checks, and
/// keeps what it rebuilt (state, Merkle frontier, last block) so that a sequencer can carry on from it.
/// </summary>
public sealed class ChainReplay
{
    private readonly string _chainId;
    private readonly ISchnorrVerifier _verifier;
    private readonly IEnumerator<Block> _blocks;
    private Block? _nextBlock;
    private bool _started;

    /// <summary>Starts a replay of the chain <paramref name="chainId"/> with its stored blocks, in order.</summary>
    public ChainReplay(string chainId, ISchnorrVerifier verifier, IEnumerable<Block> blocks)
    {
        _chainId = chainId;
        _verifier = verifier;
        _blocks = blocks.GetEnumerator();
        State = new LedgerState(chainId);
    }

    /// <summary>
    /// Starts a replay whose blocks arrive in the stream of entries (an export file, a live server): pass each
    /// block to <see cref="CheckBlock"/> right after the entry that completes it.
    /// </summary>
    public ChainReplay(string chainId, ISchnorrVerifier verifier)
        : this(chainId, verifier, [])
    {
        _pushed = true;
    }

    private readonly bool _pushed;

    /// <summary>The state rebuilt so far.</summary>
    public LedgerState State { get; }

    /// <summary>The Merkle frontier over every entry replayed so far.</summary>
    public MerkleFrontier Frontier { get; } = new();

    /// <summary>The last block checked, if any.</summary>
    public Block? LastBlock { get; private set; }

    /// <summary>How many blocks were checked.</summary>
    public long BlocksVerified { get; private set; }

    private long Height => State.NextHeight;

    /// <summary>Checks and applies the next stored entry; a report if it is broken, else null.</summary>
    public VerificationReport? Check(byte[] bytes) => Check(PreparedEntry.Prepare(bytes, _chainId, _verifier));

    /// <summary>
    /// Checks and applies the next entry, prepared (possibly in parallel) by <see cref="PreparedEntry.Prepare"/>.
    /// <paramref name="beforeApply"/> sees the state just before the entry is applied (e.g. to compare stored
    /// facts) and may return a problem, reported under the rule <c>stored_facts</c>.
    /// </summary>
    public VerificationReport? Check(PreparedEntry prepared, Func<LedgerState, VerifiedCommand, Entry, string?>? beforeApply = null)
    {
        if (!_started) { _started = true; Advance(); }
        if (prepared.Entry is not { } entry) return Fail(prepared.Rule, prepared.Problem);
        if (entry.Height != Height) return Fail("height_sequence", $"expected height {Height}, found {entry.Height}: an entry is missing, doubled or out of order");
        if (entry.PreviousHash != State.HeadHash) return Fail("hash_link", "the previous-hash field does not match the entry before: history was changed");
        if (entry.TimestampMs < State.LastTimestampMs) return Fail("time_order", "this entry is dated before the entry before it");
        if (LastBlock is not null && entry.TimestampMs < LastBlock.SealedAtMs) return Fail("time_order", "this entry is dated before the block sealed ahead of it");
        if (prepared.Command is not { } verified) return Fail(prepared.Rule, prepared.Problem);
        Decision decision = LedgerRules.Decide(State, verified, entry.TimestampMs);
        if (!decision.IsRecorded || decision.Code != entry.Outcome)
            return Fail("rule_replay", $"the entry records '{Rejections.Code(entry.Outcome)}' but the rules say '{Rejections.Code(decision.Code)}'{(decision.IsDuplicate ? " (a repeat of an earlier command)" : "")}");
        if (beforeApply?.Invoke(State, verified, entry) is { } factsProblem) return Fail("stored_facts", factsProblem);
        try
        {
            LedgerRules.Apply(State, verified, entry);
        }
        catch (InvariantViolationException e)
        {
            return Fail("invariant", e.Message);
        }
        Frontier.Append(entry.Hash);
        return _pushed ? null : CheckBlocksEndingHere();
    }

    /// <summary>
    /// Checks a block that arrives in the stream, right after the entry that completes its tree size
    /// (replays started without stored blocks only); a report if it is broken, else null.
    /// </summary>
    public VerificationReport? CheckBlock(Block block)
    {
        if (!_pushed) throw new InvalidOperationException("this replay takes its blocks from the stored list");
        _started = true;
        if (block.TreeSize != Frontier.Size)
            return Fail("block", $"block {block.Number} covers {block.TreeSize} entries but arrives after entry {Frontier.Size - 1}: blocks and entries are out of order", Math.Max(0, Math.Min(block.TreeSize, Frontier.Size) - 1));
        return VerifyBlock(block);
    }

    /// <summary>Ends the replay: every block must be covered and every invariant hold.</summary>
    public VerificationReport Finish()
    {
        if (!_started) { _started = true; Advance(); }
        if (_nextBlock is not null)
            return Fail("block_coverage", $"block {_nextBlock.Number} covers up to height {_nextBlock.TreeSize - 1}, but the chain ends at {Height - 1}: entries were removed");
        try
        {
            State.CheckInvariants();
        }
        catch (InvariantViolationException e)
        {
            return Fail("invariant", e.Message);
        }
        return new VerificationReport(true, Height, BlocksVerified, null, "", "", State);
    }

    private VerificationReport? CheckBlocksEndingHere()
    {
        while (_nextBlock is not null && _nextBlock.TreeSize == Frontier.Size)
        {
            if (VerifyBlock(_nextBlock) is { } failure) return failure;
            Advance();
        }
        if (_nextBlock is not null && _nextBlock.TreeSize < Frontier.Size)
            return Fail("block", $"block {_nextBlock.Number} ends at a height the chain passed without it", _nextBlock.TreeSize - 1);
        return null;
    }

    private VerificationReport? VerifyBlock(Block block)
    {
        string? problem =
            block.Number != BlocksVerified ? $"block number {block.Number}, expected {BlocksVerified}"
            : block.FirstHeight != (LastBlock?.TreeSize ?? 0) ? "block does not start where the block before ended"
            : block.FirstHeight >= block.TreeSize ? "block is empty"
            : block.SealedAtMs < (LastBlock?.SealedAtMs ?? long.MinValue) ? "block is sealed before the block before it"
            : block.PreviousBlockHash != (LastBlock?.Hash ?? Hash32.Zero) ? "block is not linked to the block before"
            : block.MerkleRoot != Frontier.Root() ? "Merkle root does not match the entries"
            : block.SealedAtMs < State.LastTimestampMs ? "block is sealed before its last entry"
            : !block.IsSignedBy(State.OperatorKey, _verifier) ? "the operator's seal (signature) does not check out"
            : null;
        if (problem is not null) return Fail("block", $"block {block.Number}: {problem}", Height - 1);
        LastBlock = block;
        BlocksVerified++;
        return null;
    }

    private void Advance() => _nextBlock = _blocks.MoveNext() ? _blocks.Current : null;

    private VerificationReport Fail(string rule, string explanation, long? height = null) =>
        new(false, Height, BlocksVerified, height ?? Height, rule, explanation, State);
}
