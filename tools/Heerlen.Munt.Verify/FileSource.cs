using System.Runtime.CompilerServices;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain.Export;

namespace Heerlen.Munt.Verify;

/// <summary>
/// Reads export files (docs/chain-format.md, "Export file"): a full export, then incremental exports in order, each
/// starting exactly where the one before ended. Damage in a file is a verdict (<see cref="SourceBrokenException"/>).
/// </summary>
internal sealed class FileSource : IChainSource
{
    private readonly IReadOnlyList<string> _paths;
    private readonly long _totalBytes;
    private long _bytesBefore;
    private FileStream? _current;
    private long _entriesRead;

    private FileSource(IReadOnlyList<string> paths, ExportHeader first)
    {
        _paths = paths;
        FirstHeader = first;
        _totalBytes = paths.Sum(p => new FileInfo(p).Length);
    }

    /// <inheritdoc />
    public string Description => string.Join(" + ", _paths.Select(Path.GetFileName));

    /// <inheritdoc />
    public string ChainId => FirstHeader.ChainId;

    /// <summary>The first file's header.</summary>
    public ExportHeader FirstHeader { get; }

    /// <summary>The operator key the file headers name (checked against the chain's own genesis).</summary>
    public AccountId ClaimedOperatorKey => FirstHeader.OperatorKey;

    /// <inheritdoc />
    public long? ExpectedEntries
    {
        get
        {
            var current = _current;
            long read = _bytesBefore + (current is { CanSeek: true } ? current.Position : 0);
            return read <= 0 || _entriesRead == 0 ? null : Math.Max(_entriesRead, (long)((double)_entriesRead * _totalBytes / read));
        }
    }

    /// <summary>Opens the first file and reads its header.</summary>
    public static FileSource Open(IReadOnlyList<string> paths)
    {
        foreach (string path in paths)
        {
            if (!File.Exists(path)) throw new SourceUnavailableException($"{path} does not exist", $"{path} bestaat niet");
        }
        using var stream = OpenRead(paths[0]);
        using var reader = new ChainExportReader(stream);
        try
        {
            var header = reader.Header;
            if (header.FirstHeight != 0)
                throw new UsageException($"{paths[0]} begint bij hoogte {header.FirstHeight}: geef eerst de volledige export, dan de aanvullende op volgorde",
                    $"{paths[0]} starts at height {header.FirstHeight}: give the full export first, then the incremental ones in order");
            return new FileSource(paths, header);
        }
        catch (ExportFormatException e)
        {
            throw new SourceBrokenException(e.Rule, e.Height, $"{Path.GetFileName(paths[0])}, segment {e.SegmentIndex}: {e.Explanation}");
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChainRecord> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        ExportSummary? previous = null;
        foreach (string path in _paths)
        {
            await using var stream = OpenRead(path);
            _current = stream;
            using var reader = new ChainExportReader(stream);
            IEnumerator<ExportRecord> opened;
            try
            {
                opened = Records(reader, path, previous).GetEnumerator();
            }
            catch (ExportFormatException e)
            {
                throw new SourceBrokenException(e.Rule, e.Height, $"{Path.GetFileName(path)}, segment {e.SegmentIndex}: {e.Explanation}");
            }
            using var records = opened;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    if (!records.MoveNext()) break;
                }
                catch (ExportFormatException e)
                {
                    throw new SourceBrokenException(e.Rule, e.Height, $"{Path.GetFileName(path)}, segment {e.SegmentIndex}: {e.Explanation}");
                }
                var record = records.Current;
                if (record.EntryBytes is { } bytes)
                {
                    _entriesRead++;
                    yield return new ChainRecord(bytes, null);
                }
                else yield return new ChainRecord(null, record.Block);
            }
            previous = reader.Summary;
            _bytesBefore += stream.Length;
            _current = null;
        }
    }

    private IEnumerable<ExportRecord> Records(ChainExportReader reader, string path, ExportSummary? previous)
    {
        var header = reader.Header;
        if (header.ChainId != ChainId)
            throw new SourceBrokenException("export_continuation", header.FirstHeight, $"{Path.GetFileName(path)} holds chain {header.ChainId}, not {ChainId}");
        if (header.OperatorKey != ClaimedOperatorKey)
            throw new SourceBrokenException("export_continuation", header.FirstHeight, $"{Path.GetFileName(path)} names another operator key than the first file");
        if (previous?.ContinuationProblem(header) is { } problem)
            throw new SourceBrokenException("export_continuation", header.FirstHeight, $"{Path.GetFileName(path)}: {problem}");
        return reader.Records();
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SourceUnavailableException($"{path} cannot be read: {e.Message}", $"{path} is niet te lezen: {e.Message}", e);
        }
    }
}
