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

    /// <summary>
    /// A batch was decided and is about to be stored: copy out of <paramref name="state"/> (the state right after this
    /// batch) what <see cref="Committed"/> will need, and return it. Nothing may be shown to readers yet — the batch is
    /// not stored, and the writer decides the next batch on the same state while this one is being stored.
    /// </summary>
    object? Decided(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, LedgerState state);

    /// <summary>
    /// A batch was committed: its entries (with their facts), the blocks sealed with it, and what <see cref="Decided"/>
    /// copied for it. Batches are committed in the order they were decided; a batch that failed to store is never
    /// committed (a load follows).
    /// </summary>
    void Committed(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, object? decided);
}
