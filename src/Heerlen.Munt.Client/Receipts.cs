using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Client;

/// <summary>
/// Checks what the server sends against the mathematics, not against the server's word: a checkpoint's signature, an
/// entry's inclusion in it (a payment receipt), and that a newer checkpoint extends an older one.
/// </summary>
public static class Receipts
{
    /// <summary>
    /// True if the checkpoint's block bytes decode, say what the message fields say, and are signed by
    /// <paramref name="operatorKey"/> (which the client must know from somewhere other than this checkpoint).
    /// </summary>
    public static bool CheckpointIsSigned(Checkpoint checkpoint, AccountId operatorKey, ISchnorrVerifier? verifier = null)
    {
        if (!Block.TryDecode(checkpoint.Encoded.Span, out var block, out _)) return false;
        return block!.TreeSize == checkpoint.TreeSize && block.MerkleRoot.ToHex() == checkpoint.RootHash
            && block.IsSignedBy(operatorKey, verifier ?? ManagedSchnorrVerifier.Instance);
    }

    /// <summary>
    /// True if the checkpoint's C2SP note names the same tree size and root, and is signed by the operator key under the
    /// key name <paramref name="origin"/> (the chain id). Witness cosignatures in the note are ignored.
    /// </summary>
    public static bool NoteIsSigned(Checkpoint checkpoint, string origin, AccountId operatorKey, ISchnorrVerifier? verifier = null) =>
        CheckpointNote.TryParse(checkpoint.Note, out var note, out _) && note!.Origin == origin
        && note.TreeSize == checkpoint.TreeSize && note.RootHash.ToHex() == checkpoint.RootHash
        && note.IsSignedBy(origin, operatorKey, verifier ?? ManagedSchnorrVerifier.Instance);

    /// <summary>True if the entry with hash <paramref name="entryHash"/> is at its height in the signed checkpoint.</summary>
    public static bool EntryIsIncluded(InclusionProof proof, string entryHash, AccountId operatorKey, ISchnorrVerifier? verifier = null)
    {
        if (!string.Equals(proof.EntryHash, entryHash, StringComparison.OrdinalIgnoreCase) || proof.Checkpoint is null) return false;
        if (!CheckpointIsSigned(proof.Checkpoint, operatorKey, verifier) || proof.Checkpoint.TreeSize != proof.TreeSize) return false;
        var path = ParseHashes(proof.Hashes);
        return path is not null && TryHash(entryHash, out var leaf) && TryHash(proof.Checkpoint.RootHash, out var root)
            && MerkleProofs.VerifyInclusion(leaf, proof.Height, proof.TreeSize, path, root);
    }

    /// <summary>True if the newer signed checkpoint's tree extends the older one's (nothing before was changed).</summary>
    public static bool CheckpointsAreConsistent(ConsistencyProof proof, AccountId operatorKey, ISchnorrVerifier? verifier = null)
    {
        if (proof.OldCheckpoint is null || proof.NewCheckpoint is null) return false;
        if (!CheckpointIsSigned(proof.OldCheckpoint, operatorKey, verifier) || !CheckpointIsSigned(proof.NewCheckpoint, operatorKey, verifier)) return false;
        var path = ParseHashes(proof.Hashes);
        return path is not null && TryHash(proof.OldCheckpoint.RootHash, out var oldRoot) && TryHash(proof.NewCheckpoint.RootHash, out var newRoot)
            && MerkleProofs.VerifyConsistency(proof.OldCheckpoint.TreeSize, proof.NewCheckpoint.TreeSize, oldRoot, newRoot, path);
    }

    /// <summary>The operator key (hex, x-only) as an <see cref="AccountId"/>.</summary>
    public static AccountId OperatorKey(string hex) => new(Convert.FromHexString(hex));

    private static List<Hash32>? ParseHashes(IEnumerable<string> hexes)
    {
        var list = new List<Hash32>();
        foreach (var hex in hexes)
        {
            if (!TryHash(hex, out var h)) return null;
            list.Add(h);
        }
        return list;
    }

    private static bool TryHash(string hex, out Hash32 hash)
    {
        hash = default;
        if (hex is not { Length: 64 }) return false;
        try
        {
            hash = Hash32.FromHex(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
