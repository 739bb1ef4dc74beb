using Heerlen.Munt.Ledger.Facts;

namespace Heerlen.Munt.Storage.Chain;

/// <summary>
/// One chain entry as a Marten event, in the stream <see cref="ChainStreams.Entries"/>; its stream version is
/// always <see cref="Height"/> + 1. <see cref="Entry"/> is the source of truth (the exact stored bytes of
/// docs/chain-format.md); <see cref="Hash"/> and <see cref="Facts"/> are derived from it for queries and read
/// models, and start-up checks that they still match.
/// </summary>
/// <param name="Height">Chain height.</param>
/// <param name="Hash">Entry hash, hex.</param>
/// <param name="Entry">The encoded entry.</param>
/// <param name="Facts">What read models need (derived; checked at start-up).</param>
public sealed record EntryRecorded(long Height, string Hash, byte[] Entry, EntryFacts Facts);

/// <summary>A sealed block (signed checkpoint) as a Marten event in <see cref="ChainStreams.Blocks"/>; version = number + 1.</summary>
/// <param name="Number">Block number, from 0.</param>
/// <param name="TreeSize">Entries covered, from height 0.</param>
/// <param name="Hash">Block hash, hex.</param>
/// <param name="Block">The encoded block.</param>
public sealed record BlockSealed(long Number, long TreeSize, string Hash, byte[] Block);

/// <summary>The names of a chain's two Marten streams.</summary>
public static class ChainStreams
{
    /// <summary>The stream of entries.</summary>
    public static string Entries(string chainId) => "entries:" + chainId;

    /// <summary>The stream of blocks.</summary>
    public static string Blocks(string chainId) => "blocks:" + chainId;
}
