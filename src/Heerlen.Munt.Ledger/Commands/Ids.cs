using System.Globalization;

namespace Heerlen.Munt.Ledger.Commands;

/// <summary>A 128-bit id chosen by the client (random, like a UUID). Unique per acting account.</summary>
public readonly record struct CommandId(UInt128 Value)
{
    /// <summary>Reads the 32-hex-digit form; false for anything else.</summary>
    public static bool TryParse(string? hex, out CommandId id)
    {
        id = default;
        if (!HexIds.TryParse(hex, out var value)) return false;
        id = new(value);
        return true;
    }

    /// <summary>Reads the 32-hex-digit form or throws <see cref="FormatException"/>.</summary>
    public static CommandId Parse(string hex) => TryParse(hex, out var id) ? id : throw new FormatException("expected 32 hex digits");

    /// <summary>A fresh random id.</summary>
    public static CommandId New() => new(RandomId());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);

    internal static UInt128 RandomId()
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}

/// <summary>A job's 128-bit id, chosen by the publishing officer's app.</summary>
public readonly record struct JobId(UInt128 Value)
{
    /// <summary>Reads the 32-hex-digit form; false for anything else.</summary>
    public static bool TryParse(string? hex, out JobId id)
    {
        id = default;
        if (!HexIds.TryParse(hex, out var value)) return false;
        id = new(value);
        return true;
    }

    /// <summary>Reads the 32-hex-digit form or throws <see cref="FormatException"/>.</summary>
    public static JobId Parse(string hex) => TryParse(hex, out var id) ? id : throw new FormatException("expected 32 hex digits");

    /// <summary>A fresh random id.</summary>
    public static JobId New() => new(CommandId.RandomId());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);
}

/// <summary>A shop's payment request (the QR code at the till), so the till knows which payment is its.</summary>
public readonly record struct PaymentRequestId(UInt128 Value)
{
    /// <summary>Reads the 32-hex-digit form; false for anything else.</summary>
    public static bool TryParse(string? hex, out PaymentRequestId id)
    {
        id = default;
        if (!HexIds.TryParse(hex, out var value)) return false;
        id = new(value);
        return true;
    }

    /// <summary>Reads the 32-hex-digit form or throws <see cref="FormatException"/>.</summary>
    public static PaymentRequestId Parse(string hex) => TryParse(hex, out var id) ? id : throw new FormatException("expected 32 hex digits");

    /// <summary>A fresh random id.</summary>
    public static PaymentRequestId New() => new(CommandId.RandomId());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);
}

/// <summary>
/// A participation campaign's 128-bit id, chosen at random by the module that opens it. Opaque on purpose: for a
/// sensitive campaign it is all the chain shows.
/// </summary>
public readonly record struct CampaignId(UInt128 Value)
{
    /// <summary>Reads the 32-hex-digit form; false for anything else.</summary>
    public static bool TryParse(string? hex, out CampaignId id)
    {
        id = default;
        if (!HexIds.TryParse(hex, out var value)) return false;
        id = new(value);
        return true;
    }

    /// <summary>Reads the 32-hex-digit form or throws <see cref="FormatException"/>.</summary>
    public static CampaignId Parse(string hex) => TryParse(hex, out var id) ? id : throw new FormatException("expected 32 hex digits");

    /// <summary>A fresh random id.</summary>
    public static CampaignId New() => new(CommandId.RandomId());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);
}

/// <summary>The text form shared by the 128-bit ids: exactly 32 hex digits.</summary>
internal static class HexIds
{
    /// <summary>Reads 32 hex digits (either case).</summary>
    public static bool TryParse(string? hex, out UInt128 value)
    {
        value = default;
        return hex is { Length: 32 } && hex.All(char.IsAsciiHexDigit)
            && UInt128.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
