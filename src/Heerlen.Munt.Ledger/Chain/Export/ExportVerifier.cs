using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain.Export;

/// <summary>
/// Verifies a chain from export files in one pass, as they stream in: a full export, then incremental ones in order.
/// Each file's structure is checked by <see cref="ChainExportReader"/>; each file must continue the one before
/// (<c>export_continuity</c>) and name the operator key of the chain's EstablishChain (<c>export_operator_key</c>) —
/// both thrown as <see cref="ExportFormatException"/>, like damage; and every entry and block is checked exactly as
/// <see cref="ChainVerifier"/> checks them, a block the moment it arrives, with failures reported the same way.
/// </summary>
public sealed class ExportVerifier
{
    private readonly ISchnorrVerifier _verifier;
    private ChainReplay? _replay;
    private ExportHeader? _firstHeader;
    private VerificationReport? _failure;

    /// <summary>A verifier that has read nothing yet.</summary>
    public ExportVerifier(ISchnorrVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        _verifier = verifier;
    }

    /// <summary>The summary of the last file read to its end, or null.</summary>
    public ExportSummary? Last { get; private set; }

    /// <summary>
    /// Reads and verifies the next export file (the stream is not closed). Returns a report if the chain in it is broken
    /// (nothing more is read after that), else null. Throws <see cref="ExportFormatException"/> if the file is damaged or
    /// does not continue the files before it.
    /// </summary>
    public VerificationReport? Read(Stream file)
    {
        if (_failure is not null) return _failure;
        using var reader = new ChainExportReader(file);
        ExportHeader header = reader.Header;
        CheckContinues(header);
        _firstHeader ??= header;
        _replay ??= new ChainReplay(header.ChainId, _verifier);
        if (_replay.State.IsEstablished) CheckOperatorKey(header);
        foreach (var record in reader.Records())
        {
            var failure = record.Kind == ExportRecordKind.Entry ? _replay.Check(record.EntryBytes!) : _replay.CheckBlock(record.Block!);
            if (failure is not null) return _failure = failure;
            if (record.Kind == ExportRecordKind.Entry && record.Height == 0) CheckOperatorKey(header);
        }
        Last = reader.Summary;
        return null;
    }

    /// <summary>Ends the verification: the global invariants, or the first failure found while reading.</summary>
    public VerificationReport Finish() =>
        _failure ?? (_replay ?? throw new InvalidOperationException("no export file was read")).Finish();

    private void CheckContinues(ExportHeader header)
    {
        string? problem = Last is null
            ? (header.FirstHeight == 0 ? null : $"the first file starts at height {header.FirstHeight}; a chain is verified from a full export (height 0)")
            : header.ChainId != _firstHeader!.ChainId ? $"this file is of chain '{header.ChainId}', the files before of '{_firstHeader.ChainId}'"
            : Last.ContinuationProblem(header);
        if (problem is not null) throw new ExportFormatException("export_continuity", 0, header.FirstHeight, problem);
    }

    private void CheckOperatorKey(ExportHeader header)
    {
        if (header.OperatorKey != _replay!.State.OperatorKey)
            throw new ExportFormatException("export_operator_key", 0, header.FirstHeight,
                $"the header names operator key {header.OperatorKey}, the chain's EstablishChain names {_replay.State.OperatorKey}");
    }
}
