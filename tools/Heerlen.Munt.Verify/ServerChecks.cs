using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;
using Block = Heerlen.Munt.Ledger.Chain.Block;

namespace Heerlen.Munt.Verify;

/// <summary>A failed check of the server's proofs.</summary>
/// <param name="Rule">Stable name.</param>
/// <param name="Height">The height concerned, if any.</param>
/// <param name="Explanation">One line for a person.</param>
/// <param name="Forked">True if it shows that history the verifier saw before was changed (exit code 4).</param>
internal sealed record CheckFailure(string Rule, long? Height, string Explanation, bool Forked);

/// <summary>
/// What a live server must prove besides serving a chain that verifies: that its latest checkpoint extends the one
/// this verifier saw last time (RFC 9162 consistency proof), that its inclusion proofs lead to its checkpoints, and
/// that its checkpoint notes are signed.
/// </summary>
internal static class ServerChecks
{
    /// <summary>
    /// Asks for a consistency proof from the remembered checkpoint to the latest and checks it; null if it holds.
    /// A server that rewrote or forked history cannot answer it.
    /// </summary>
    public static async Task<(CheckFailure? Failure, Block? Newer)> DemandConsistencyAsync(ServerSource server, RememberedCheckpoint remembered, ISchnorrVerifier verifier, CancellationToken ct)
    {
        ConsistencyProof proof;
        try
        {
            proof = await server.Audit.GetConsistencyProofAsync(new GetConsistencyProofRequest { OldSize = remembered.TreeSize }, deadline: ServerSource.Deadline(), cancellationToken: ct);
        }
        catch (RpcException e) when (ServerSource.ReasonOf(e) is "checkpoint_not_found" or "invalid_argument")
        {
            return (new CheckFailure("consistency_proof", remembered.TreeSize - 1,
                $"the server has no checkpoint of {remembered.TreeSize} entries extending the one you verified on {remembered.VerifiedAtUtc} ({ServerSource.ReasonOf(e)}): history was rewritten or cut short", true), null);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && !ct.IsCancellationRequested)
        {
            throw new SourceUnavailableException($"the server does not answer the consistency proof: {ServerSource.ReasonOf(e)}", $"de server geeft geen antwoord op het consistentiebewijs: {ServerSource.ReasonOf(e)}", e);
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            // A server that answers but refuses the proof: not "nothing was checked", but a failed check.
            return (new CheckFailure("consistency_proof", remembered.TreeSize - 1, $"the server refuses the consistency proof from the checkpoint you verified on {remembered.VerifiedAtUtc}: {ServerSource.ReasonOf(e)}", false), null);
        }
        var failure = CheckConsistency(remembered, proof, verifier);
        return failure is null && Block.TryDecode(proof.NewCheckpoint.Encoded.Span, out var newer, out _) ? (null, newer) : (failure, null);
    }

    /// <summary>Checks a served consistency proof against the remembered checkpoint (pure; the heart of the demand).</summary>
    public static CheckFailure? CheckConsistency(RememberedCheckpoint remembered, ConsistencyProof proof, ISchnorrVerifier verifier)
    {
        if (proof.NewCheckpoint is null || !Block.TryDecode(proof.NewCheckpoint.Encoded.Span, out var newer, out string problem))
            return new CheckFailure("consistency_proof", null, "the new checkpoint is missing or does not decode", false);
        if (!newer!.IsSignedBy(remembered.Operator, verifier))
            return new CheckFailure("consistency_proof", newer.TreeSize - 1, $"checkpoint {newer.Number} is not signed by the operator key of this chain", true);
        if (proof.OldSize != remembered.TreeSize || proof.NewSize != newer.TreeSize)
            return new CheckFailure("consistency_proof", null, $"the proof is for sizes {proof.OldSize} → {proof.NewSize}, not {remembered.TreeSize} → {newer.TreeSize}", false);
        if (newer.TreeSize < remembered.TreeSize)
            return new CheckFailure("consistency_proof", newer.TreeSize, $"the latest checkpoint covers {newer.TreeSize} entries, fewer than the {remembered.TreeSize} you verified on {remembered.VerifiedAtUtc}: history was cut short", true);
        var hashes = new List<Hash32>(proof.Hashes.Count);
        foreach (string hex in proof.Hashes)
        {
            if (hex.Length != 64 || !IsHex(hex)) return new CheckFailure("consistency_proof", null, "the proof holds something that is not a hash", false);
            hashes.Add(Hash32.FromHex(hex));
        }
        if (!MerkleProofs.VerifyConsistency(remembered.TreeSize, newer.TreeSize, remembered.Root, newer.MerkleRoot, hashes))
            return new CheckFailure("consistency_proof", remembered.TreeSize - 1,
                $"the server's checkpoint of {newer.TreeSize} entries does not extend the checkpoint of {remembered.TreeSize} you verified on {remembered.VerifiedAtUtc}: history was rewritten or forked", true);
        return null;
    }

    /// <summary>Checks the latest checkpoint's signed note (C2SP tlog-checkpoint) against the verified block.</summary>
    public static CheckFailure? CheckNote(string chainId, Checkpoint? served, Block verified, ISchnorrVerifier verifier, Ledger.Accounts.AccountId operatorKey)
    {
        if (served is null) return new CheckFailure("checkpoint_note", verified.TreeSize - 1, "the server's proof carries no checkpoint", false);
        if (!CheckpointNote.TryParse(served.Note, out var note, out string problem))
            return new CheckFailure("checkpoint_note", verified.TreeSize - 1, $"the checkpoint note does not parse: {problem}", false);
        if (note!.Origin != chainId || note.TreeSize != verified.TreeSize || note.RootHash != verified.MerkleRoot)
            return new CheckFailure("checkpoint_note", verified.TreeSize - 1, "the checkpoint note names another chain, size or root than the verified block", false);
        if (!note.IsSignedBy(chainId, operatorKey, verifier))
            return new CheckFailure("checkpoint_note", verified.TreeSize - 1, "the checkpoint note is not signed by the operator key", false);
        return null;
    }

    /// <summary>Asks for inclusion proofs of the sampled entries in the last verified checkpoint and checks each.</summary>
    public static async Task<CheckFailure?> SpotCheckInclusionAsync(ServerSource server, IReadOnlyDictionary<long, Hash32> sampled, Block checkpoint, CancellationToken ct)
    {
        foreach (var (height, hash) in sampled.Where(s => s.Key < checkpoint.TreeSize).OrderBy(s => s.Key))
        {
            var proof = await ServerSource.Call(() => server.Audit.GetInclusionProofAsync(new GetInclusionProofRequest { Height = height, TreeSize = checkpoint.TreeSize }, deadline: ServerSource.Deadline(), cancellationToken: ct).ResponseAsync, ct);
            var path = new List<Hash32>(proof.Hashes.Count);
            foreach (string hex in proof.Hashes)
            {
                if (hex.Length != 64 || !IsHex(hex)) return new CheckFailure("inclusion_proof", height, "the inclusion proof holds something that is not a hash", false);
                path.Add(Hash32.FromHex(hex));
            }
            if (proof.EntryHash != hash.ToHex() || !MerkleProofs.VerifyInclusion(hash, height, checkpoint.TreeSize, path, checkpoint.MerkleRoot))
                return new CheckFailure("inclusion_proof", height, $"the server's inclusion proof for entry {height} does not lead to the root of checkpoint {checkpoint.Number}", false);
        }
        return null;
    }

    /// <summary>The heights to spot-check: the first, the last, and a few spread between (at most 16).</summary>
    public static SortedSet<long> SampleHeights(long size)
    {
        var heights = new SortedSet<long>();
        if (size <= 0) return heights;
        for (int i = 0; i < 16; i++) heights.Add(size <= 16 ? Math.Min(i, size - 1) : i * (size - 1) / 15);
        return heights;
    }

    private static bool IsHex(string s) => s.All(char.IsAsciiHexDigit);
}
