using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Chain.Export;
using static Heerlen.Munt.Ledger.Tests.Chain.Export.ExportFixture;

namespace Heerlen.Munt.Ledger.Tests.Chain.Export;

public class When_an_export_reader_is_given_garbage
{
    private static readonly byte[] File = ExportFile(segmentRecordsMax: 6);

    /// <summary>Reads everything; true if it read cleanly, false on an <see cref="ExportFormatException"/>; anything else fails the test.</summary>
    private static bool ReadsCleanly(byte[] bytes)
    {
        try
        {
            Read(bytes);
            return true;
        }
        catch (ExportFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Rule));
            return false;
        }
    }

    [Property(MaxTest = 300)]
    public Property random_bytes_are_refused_with_an_export_format_exception(byte[] tail, bool withMagic)
    {
        byte[] bytes = withMagic ? [.. ExportFormat.Magic, .. tail] : tail;
        return (!ReadsCleanly(bytes)).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property random_segments_after_the_magic_are_refused_with_an_export_format_exception(byte kind, uint count, byte[] payload)
    {
        // A prefix that matches its payload's length, so the reader gets past the length check to the checksum.
        byte[] segment = [kind, .. BitConverter.GetBytes(count), .. BitConverter.GetBytes(payload.Length).Reverse(), .. payload, .. new byte[32]];
        return (!ReadsCleanly([.. ExportFormat.Magic, .. segment])).ToProperty();
    }

    [Property(MaxTest = 400)]
    public Property a_mutated_export_is_refused_or_reads_cleanly_never_anything_else(PositiveInt position, byte value, byte mutation)
    {
        int at = position.Get % File.Length;
        byte[] bytes = (mutation % 4) switch
        {
            0 => Flip(at, value),
            1 => [.. File[..at], value, .. File[at..]], // a byte inserted
            2 => [.. File[..at], .. File[(at + 1)..]], // a byte deleted
            _ => File[..at], // cut short
        };
        bool clean = ReadsCleanly(bytes);
        // Every change of a byte is found: the checksums cover all but the magic, and the magic is checked.
        return (!clean).ToProperty();
    }

    private static byte[] Flip(int at, byte value)
    {
        byte[] bytes = (byte[])File.Clone();
        bytes[at] ^= (byte)(value | 1);
        return bytes;
    }
}
