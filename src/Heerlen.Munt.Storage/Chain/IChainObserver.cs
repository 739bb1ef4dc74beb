using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;

namespace Heerlen.Munt.Storage.Chain;

/// <summary>
/// Hears what the sequencer's writer does, on the writer's own thread, in order: so an in-memory view (the server's
/// Merkle tree for proofs, its account directory, payment requests waiting to be paid) follows the stored chain
/// exactly, without reading it again. Implementations must be quick and must not throw; they copy what they need,
/// because the state they are shown keeps changing after the call.
/// </summary>
public interface IChainObserver
{
    /// <summary>A load (start-up, or a reload after a storage failure) begins: forget what was seen before.</summary>
    void LoadStarted();

    /// <summary>During a load: one entry that passed every check, in height order.</summary>
    void EntryVerified(Entry entry);

    /// <summary>A load ended; <see cref="LoadedChain.Replay"/> holds the state at the end of the intact part.</summary>
    void LoadFinished(LoadedChain loaded);

    /// <summary>A batch was committed: its entries (with their facts) and the blocks sealed with it; the state after it.</summary>
    void Committed(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, LedgerState state);
}
