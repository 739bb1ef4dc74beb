using System.Buffers.Binary;
using System.Text;

namespace Heerlen.Munt.Ledger.Canonical;

/// <summary>Thrown inside decoding only; the decoders catch it and return a refusal. Never escapes the core.</summary>
internal sealed class DecodeException(string detail) : Exception(detail);

/// <summary>
/// Reads the canonical form defensively: every read is bounds-checked and every text field must be
/// valid UTF-8, so truncated or hostile input ends in a <see cref="DecodeException"/>, never a crash.
/// </summary>
internal ref struct CanonicalReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public CanonicalReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly bool AtEnd => _position == _data.Length;

    public byte U8() => Take(1)[0];

    public bool Bool() => U8() switch
    {
        0 => false,
        1 => true,
        var other => throw new DecodeException($"boolean byte must be 0 or 1, got {other}"),
    };

    public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public long I64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public UInt128 U128() => BinaryPrimitives.ReadUInt128BigEndian(Take(16));

    public ReadOnlySpan<byte> Fixed(int count) => Take(count);

    public string Text()
    {
        int count = U8();
        var bytes = Take(count);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new DecodeException("text field is not valid UTF-8");
        }
    }

    public ReadOnlySpan<byte> Bytes16() => Take(U16());

    public readonly void ExpectEnd()
    {
        if (!AtEnd) throw new DecodeException($"{_data.Length - _position} unexpected bytes after the end");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _data.Length - _position < count)
            throw new DecodeException($"input ends early: wanted {count} bytes at offset {_position}, {_data.Length - _position} left");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
