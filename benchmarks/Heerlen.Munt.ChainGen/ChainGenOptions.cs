namespace Heerlen.Munt.ChainGen;

/// <summary>What chain to generate. Everything but <see cref="ExportedAtMs"/> decides the bytes: same options, same file.</summary>
public sealed record ChainGenOptions
{
    /// <summary>Entries in the chain.</summary>
    public long Entries { get; init; } = 1_000_000;

    /// <summary>Seed of every choice and every key.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Residents who open an account (all of them by half-way through the chain).</summary>
    public int Residents { get; init; } = 20_000;

    /// <summary>Shops admitted (all of them in the first twentieth of the chain).</summary>
    public int Shops { get; init; } = 200;

    /// <summary>Officers of the municipality.</summary>
    public int Officers { get; init; } = 8;

    /// <summary>The chain id.</summary>
    public string ChainId { get; init; } = "heerlen-munt/generated";

    /// <summary>A block is sealed every this many entries.</summary>
    public int BlockEntries { get; init; } = 1000;

    /// <summary>Time of the first entry (unix ms); default Monday 5 January 2026, 08:00 in Heerlen.</summary>
    public long StartMs { get; init; } = 1_767_596_400_000;

    /// <summary>Mean simulated seconds between entries (uniform from 0 to twice this): 30 s makes a million entries span about a year.</summary>
    public int MeanSecondsPerEntry { get; init; } = 30;

    /// <summary>Commands planned, then signed in parallel, then submitted in order, per round.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>Export header: when the file was written.</summary>
    public long ExportedAtMs { get; init; }

    /// <summary>Export header: where it came from.</summary>
    public string Source { get; init; } = "heerlen-munt chaingen";
}

/// <summary>What was generated.</summary>
/// <param name="Entries">Entries written.</param>
/// <param name="Blocks">Blocks written.</param>
/// <param name="RecordedRejections">Entries whose outcome is a recorded rejection.</param>
/// <param name="UnexpectedOutcomes">Entries whose outcome differed from the generator's model (0 unless the model has a bug).</param>
/// <param name="FirstTimestampMs">Time of entry 0.</param>
/// <param name="LastTimestampMs">Time of the last entry.</param>
/// <param name="CommandCounts">Entries per command type.</param>
public sealed record ChainGenResult(long Entries, long Blocks, long RecordedRejections, long UnexpectedOutcomes, long FirstTimestampMs, long LastTimestampMs, IReadOnlyDictionary<string, long> CommandCounts);
