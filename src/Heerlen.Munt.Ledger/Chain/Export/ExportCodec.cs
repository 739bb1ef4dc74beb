using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain.Export;

/// <summary>The payloads of the header and end segments (docs/chain-format.md, "Export file"), both ways.</summary>
internal static class ExportCodec
{
    // Header payload: version u8 | chain id text | first height u64 | previous entry hash [32] | previous block number i64 |
    // previous block hash [32] | operator key [32] | exported at i64 | source text.
    public static void WriteHeader(CanonicalWriter w, ExportHeader h)
    {
        w.U8(ExportFormat.Version);
        w.Text(h.ChainId);
        w.U64((ulong)h.FirstHeight);
        w.Fixed(h.PreviousEntryHash.Span);
        w.I64(h.PreviousBlockNumber);
        w.Fixed(h.PreviousBlockHash.Span);
        w.Fixed(h.OperatorKey.Span);
        w.I64(h.ExportedAtMs);
        w.Text(h.Source);
    }

    /// <summary>Reads a header payload; throws <see cref="DecodeException"/> if it is not one.</summary>
    public static ExportHeader ReadHeader(ReadOnlySpan<byte> payload)
    {
        var r = new CanonicalReader(payload);
        byte version = r.U8();
        if (version != ExportFormat.Version) throw new DecodeException($"export format version {version} is unknown (this reader reads {ExportFormat.Version})");
        string chainId = r.Text();
        ulong firstHeight = r.U64();
        if (firstHeight > long.MaxValue) throw new DecodeException("first height out of range");
        var header = new ExportHeader(chainId, (long)firstHeight, new Hash32(r.Fixed(Hash32.Size)), r.I64(), new Hash32(r.Fixed(Hash32.Size)),
            new AccountId(r.Fixed(AccountId.Size)), r.I64(), r.Text());
        r.ExpectEnd();
        return header.Problem() is { } problem ? throw new DecodeException(problem) : header;
    }

    // End payload: entry count u64 | block count u64 | last entry hash [32] | last block number i64 | last block hash [32] | running digest [32].
    public static void WriteEnd(CanonicalWriter w, ExportSummary s, Hash32 runningDigest)
    {
        w.U64((ulong)s.EntryCount);
        w.U64((ulong)s.BlockCount);
        w.Fixed(s.LastEntryHash.Span);
        w.I64(s.LastBlockNumber);
        w.Fixed(s.LastBlockHash.Span);
        w.Fixed(runningDigest.Span);
    }

    /// <summary>Reads an end payload; throws <see cref="DecodeException"/> if it is not one.</summary>
    public static (ExportSummary Summary, Hash32 RunningDigest) ReadEnd(ReadOnlySpan<byte> payload, long firstHeight)
    {
        var r = new CanonicalReader(payload);
        ulong entries = r.U64(), blocks = r.U64();
        if (entries > long.MaxValue - (ulong)firstHeight || blocks > long.MaxValue) throw new DecodeException("counts out of range");
        var summary = new ExportSummary(firstHeight, (long)entries, (long)blocks, new Hash32(r.Fixed(Hash32.Size)), r.I64(), new Hash32(r.Fixed(Hash32.Size)));
        var digest = new Hash32(r.Fixed(Hash32.Size));
        r.ExpectEnd();
        return (summary, digest);
    }
}
