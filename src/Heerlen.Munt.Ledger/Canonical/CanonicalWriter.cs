using System.Buffers.Binary;
using System.Text;

namespace Heerlen.Munt.Ledger.Canonical;

/// <summary>
/// Writes the canonical binary form (docs/chain-format.md): fixed-width big-endian integers,
/// length-prefixed UTF-8 text, no optional padding, so one value has exactly one encoding.
/// </summary>
internal sealed class CanonicalWriter
{
    private byte[] _buffer;
    private int _length;

    public CanonicalWriter(int capacity = 256) => _buffer = new byte[capacity];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Forgets what was written and keeps the buffer, so one writer can be reused (the export writer's segments).</summary>
    public void Clear() => _length = 0;

    public void U8(byte value) => Take(1)[0] = value;

    public void Bool(bool value) => U8(value ? (byte)1 : (byte)0);

    public void U16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), value);

    public void U32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);

    public void U64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), value);

    public void I64(long value) => BinaryPrimitives.WriteInt64BigEndian(Take(8), value);

    public void U128(UInt128 value) => BinaryPrimitives.WriteUInt128BigEndian(Take(16), value);

    public void Fixed(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    /// <summary>Text: u8 byte length, then UTF-8. Callers validate the content rules of the field first.</summary>
    public void Text(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        if (count > byte.MaxValue) throw new ArgumentException("text field longer than 255 bytes", nameof(value));
        U8((byte)count);
        Encoding.UTF8.GetBytes(value, Take(count));
    }

    /// <summary>Bytes with a u16 length prefix.</summary>
    public void Bytes16(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ushort.MaxValue) throw new ArgumentException("byte field longer than 65535", nameof(bytes));
        U16((ushort)bytes.Length);
        Fixed(bytes);
    }

    private Span<byte> Take(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
