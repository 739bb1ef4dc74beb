using Heerlen.Munt.Ledger.Chain;

namespace Heerlen.Munt.Verify;

/// <summary>One item of a chain in order: a stored entry's bytes, or a block right after the entry that completes it.</summary>
/// <param name="Entry">The stored entry bytes, or null for a block.</param>
/// <param name="Block">The block, or null for an entry.</param>
internal readonly record struct ChainRecord(byte[]? Entry, Block? Block);

/// <summary>Where a chain comes from: an export file (or several in a row) or a live server.</summary>
internal interface IChainSource
{
    /// <summary>For people: the file names or the server address.</summary>
    string Description { get; }

    /// <summary>The chain id the source says it holds (checked against every command's own chain id).</summary>
    string ChainId { get; }

    /// <summary>How many entries to expect, if known (for the progress bar).</summary>
    long? ExpectedEntries { get; }

    /// <summary>Every record in chain order, from height 0.</summary>
    IAsyncEnumerable<ChainRecord> ReadAsync(CancellationToken ct);
}

/// <summary>
/// The source cannot be read at all (a missing file, an unreachable server, a refused session): nothing was checked,
/// so this is not a verdict on the chain (exit code 3).
/// </summary>
internal sealed class SourceUnavailableException(string english, string dutch, Exception? inner = null) : Exception(english, inner)
{
    /// <summary>The same reason in plain Dutch.</summary>
    public string Dutch { get; } = dutch;
}

/// <summary>
/// The source itself shows damage or tampering before the chain rules are even reached (a segment checksum, a file
/// that does not continue the one before, a server whose answers disagree with each other): a verdict (exit code 1).
/// </summary>
internal sealed class SourceBrokenException(string rule, long? height, string explanation) : Exception(explanation)
{
    /// <summary>Stable name of the check that failed.</summary>
    public string Rule { get; } = rule;

    /// <summary>The first height concerned, if known.</summary>
    public long? Height { get; } = height;
}
