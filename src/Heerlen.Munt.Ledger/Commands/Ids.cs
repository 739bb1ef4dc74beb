using System.Globalization;

namespace Heerlen.Munt.Ledger.Commands;

/// <summary>A 128-bit id chosen by the client (random, like a UUID). Unique per acting account.</summary>
public readonly record struct CommandId(UInt128 Value)
{
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
    /// <summary>A fresh random id.</summary>
    public static JobId New() => new(CommandId.RandomId());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);
}

/// <summary>A shop's payment request (the QR code at the till), so the till knows which payment is its.</summary>
public readonly record struct PaymentRequestId(UInt128 Value)
{
    /// <summary>A fresh random id.</summary>
    public static PaymentRequestId New() => new(CommandId.RandomId());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);
}
