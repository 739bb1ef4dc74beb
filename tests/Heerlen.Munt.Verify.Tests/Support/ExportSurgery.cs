using System.Buffers.Binary;
using System.Security.Cryptography;
using Heerlen.Munt.Ledger.Chain;

namespace Heerlen.Munt.Verify.Tests.Support;

/// <summary>One record of an export, as bytes: an entry or a block.</summary>
/// <param name="IsEntry">True for an entry.</param>
/// <param name="Bytes">The stored entry or block bytes.</param>
public sealed record RawRecord(bool IsEntry, byte[] Bytes);

/// <summary>
/// Takes an export file apart along docs/chain-format.md ("Export file") and puts it together again with fresh
/// checksums and a fresh running digest — what a forger does to make tampering look like an intact file. Written from
/// the spec, not from the reader, so it doubles as a second reading of the format.
/// </summary>
public sealed class ExportSurgery
{
    private const byte Records = 2, End = 3;
    private readonly List<(byte Kind, uint Count, byte[] Payload)> _segments = [];

    /// <summary>Reads a file written by the real writer.</summary>
    public ExportSurgery(byte[] file)
    {
        Assert.Equal("HMEXPORT"u8.ToArray(), file[..8]);
        int at = 8;
        while (at < file.Length)
        {
            byte kind = file[at];
            uint count = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 1));
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 5));
            _segments.Add((kind, count, file.AsSpan(at + 9, length).ToArray()));
            at += 9 + length + 32;
        }
    }

    /// <summary>Every record of every records segment, in order (edit the list, then <see cref="Write"/>).</summary>
    public List<RawRecord> RecordsInOrder()
    {
        var records = new List<RawRecord>();
        foreach (var (kind, _, payload) in _segments.Where(s => s.Kind == Records))
        {
            int at = 0;
            while (at < payload.Length)
            {
                byte tag = payload[at++];
                if (tag == 1)
                {
                    int length = BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(at));
                    records.Add(new RawRecord(true, payload.AsSpan(at + 2, length).ToArray()));
                    at += 2 + length;
                }
                else
                {
                    records.Add(new RawRecord(false, payload.AsSpan(at, Block.EncodedBytes).ToArray()));
                    at += Block.EncodedBytes;
                }
            }
        }
        return records;
    }

    /// <summary>The file with these records (in segments of <paramref name="perSegment"/>) and fresh checksums everywhere.</summary>
    public byte[] Write(IReadOnlyList<RawRecord> records, int perSegment = 16)
    {
        var segments = new List<(byte Kind, uint Count, byte[] Payload)> { _segments[0] };
        for (int i = 0; i < records.Count; i += perSegment)
        {
            using var payload = new MemoryStream();
            var slice = records.Skip(i).Take(perSegment).ToList();
            foreach (var r in slice)
            {
                payload.WriteByte(r.IsEntry ? (byte)1 : (byte)2);
                if (r.IsEntry)
                {
                    var length = new byte[2];
                    BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)r.Bytes.Length);
                    payload.Write(length);
                }
                payload.Write(r.Bytes);
            }
            segments.Add((Records, (uint)slice.Count, payload.ToArray()));
        }
        var end = _segments.Single(s => s.Kind == End);
        segments.Add(end);
        return Assemble(segments);
    }

    /// <summary>The file exactly as read (fresh checksums change nothing on an intact file).</summary>
    public byte[] Write() => Assemble(_segments);

    private static byte[] Assemble(List<(byte Kind, uint Count, byte[] Payload)> segments)
    {
        using var file = new MemoryStream();
        file.Write("HMEXPORT"u8);
        using var running = new MemoryStream();
        foreach (var (kind, count, original) in segments)
        {
            byte[] payload = original;
            if (kind == End)
            {
                // The running digest (last 32 bytes of the end payload) covers the checksums of every segment before.
                payload = (byte[])original.Clone();
                SHA256.HashData(running.ToArray()).CopyTo(payload, payload.Length - 32);
            }
            var prefix = new byte[9];
            prefix[0] = kind;
            BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), count);
            BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(5), (uint)payload.Length);
            byte[] checksum = SHA256.HashData([.. prefix, .. payload]);
            file.Write(prefix);
            file.Write(payload);
            file.Write(checksum);
            running.Write(checksum);
        }
        return file.ToArray();
    }
}
