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
        var run = new Run(chainId, verifier, blocks);
        foreach (byte[] bytes in encodedEntries)
        {
            var failure = run.Check(bytes);
            if (failure is not null) return failure;
        }
        return run.Finish();
    }

    private sealed class Run(string chainId, ISchnorrVerifier verifier, IEnumerable<Block> blocks)
    {
        private readonly LedgerState _state = new(chainId);
        private readonly MerkleFrontier _frontier = new();
        private readonly IEnumerator<Block> _blocks = blocks.GetEnumerator();
        private Block? _nextBlock;
        private Block? _lastBlock;
        private long _blocksVerified;
        private bool _started;

        private long Height => _state.NextHeight;

        public VerificationReport? Check(byte[] bytes)
        {
            if (!_started) { _started = true; Advance(); }
            if (!Entry.TryDecode(bytes, out var entry, out string problem)) return Fail("entry_format", problem);
            if (entry!.Height != Height) return Fail("height_sequence", $"expected height {Height}, found {entry.Height}: an entry is missing, doubled or out of order");
            if (entry.PreviousHash != _state.HeadHash) return Fail("hash_link", "the previous-hash field does not match the entry before: history was changed");
            if (entry.TimestampMs < _state.LastTimestampMs) return Fail("time_order", "this entry is dated before the entry before it");
            if (_lastBlock is not null && entry.TimestampMs < _lastBlock.SealedAtMs) return Fail("time_order", "this entry is dated before the block sealed ahead of it");
            var decoded = SignedCommand.Decode(entry.Envelope, chainId);
            if (decoded.Command is null) return Fail("command_format", $"{Rejections.Code(decoded.Refusal)}: {decoded.Detail}");
            var verified = VerifiedCommand.Verify(decoded.Command, verifier);
            if (verified is null) return Fail("signature", "a signature on the command does not check out");
            Decision decision = LedgerRules.Decide(_state, verified, entry.TimestampMs);
            if (!decision.IsRecorded || decision.Code != entry.Outcome)
                return Fail("rule_replay", $"the entry records '{Rejections.Code(entry.Outcome)}' but the rules say '{Rejections.Code(decision.Code)}'{(decision.IsDuplicate ? " (a repeat of an earlier command)" : "")}");
            try
            {
                LedgerRules.Apply(_state, verified, entry);
            }
            catch (InvariantViolationException e)
            {
                return Fail("invariant", e.Message);
            }
            _frontier.Append(entry.Hash);
            return CheckBlocksEndingHere();
        }

        public VerificationReport Finish()
        {
            if (!_started) { _started = true; Advance(); }
            if (_nextBlock is not null)
                return Fail("block_coverage", $"block {_nextBlock.Number} covers up to height {_nextBlock.TreeSize - 1}, but the chain ends at {Height - 1}: entries were removed");
            try
            {
                _state.CheckInvariants();
            }
            catch (InvariantViolationException e)
            {
                return Fail("invariant", e.Message);
            }
            return new VerificationReport(true, Height, _blocksVerified, null, "", "", _state);
        }

        private VerificationReport? CheckBlocksEndingHere()
        {
            while (_nextBlock is not null && _nextBlock.TreeSize == _frontier.Size)
            {
                Block block = _nextBlock;
                string? problem =
                    block.Number != _blocksVerified ? $"block number {block.Number}, expected {_blocksVerified}"
                    : block.FirstHeight != (_lastBlock?.TreeSize ?? 0) ? "block does not start where the block before ended"
                    : block.FirstHeight >= block.TreeSize ? "block is empty"
                    : block.SealedAtMs < (_lastBlock?.SealedAtMs ?? long.MinValue) ? "block is sealed before the block before it"
                    : block.PreviousBlockHash != (_lastBlock?.Hash ?? Hash32.Zero) ? "block is not linked to the block before"
                    : block.MerkleRoot != _frontier.Root() ? "Merkle root does not match the entries"
                    : block.SealedAtMs < _state.LastTimestampMs ? "block is sealed before its last entry"
                    : !block.IsSignedBy(_state.OperatorKey, verifier) ? "the operator's seal (signature) does not check out"
                    : null;
                if (problem is not null) return Fail("block", $"block {block.Number}: {problem}", Height - 1);
                _lastBlock = block;
                _blocksVerified++;
                Advance();
            }
            if (_nextBlock is not null && _nextBlock.TreeSize < _frontier.Size)
                return Fail("block", $"block {_nextBlock.Number} ends at a height the chain passed without it", _nextBlock.TreeSize - 1);
            return null;
        }

        private void Advance() => _nextBlock = _blocks.MoveNext() ? _blocks.Current : null;

        private VerificationReport Fail(string rule, string explanation, long? height = null) =>
            new(false, Height, _blocksVerified, height ?? Height, rule, explanation, _state);
    }
}
