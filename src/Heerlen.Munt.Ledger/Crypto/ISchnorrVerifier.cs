namespace Heerlen.Munt.Ledger.Crypto;

/// <summary>
/// Checks BIP340 Schnorr signatures over secp256k1. Two implementations exist and must agree on every
/// input: <see cref="ManagedSchnorrVerifier"/> (NBitcoin.Secp256k1, portable) and
/// <see cref="NativeSchnorrVerifier"/> (libsecp256k1 through Secp256k1.Net, about five times faster).
/// The ledger only ever signs 32-byte digests, so that is all this interface accepts.
/// </summary>
public interface ISchnorrVerifier
{
    /// <summary>A short name for reports and benchmarks.</summary>
    string Name { get; }

    /// <summary>
    /// True only if <paramref name="signature64"/> is a valid BIP340 signature of
    /// <paramref name="message32"/> by <paramref name="xOnlyPublicKey32"/>. Never throws on bad input:
    /// wrong lengths, a key off the curve or an out-of-range signature all give false.
    /// </summary>
    bool Verify(ReadOnlySpan<byte> xOnlyPublicKey32, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> signature64);
}

/// <summary>BIP340 verification in managed code (NBitcoin.Secp256k1).</summary>
public sealed class ManagedSchnorrVerifier : ISchnorrVerifier
{
    /// <summary>The one instance; the type holds no state.</summary>
    public static readonly ManagedSchnorrVerifier Instance = new();

    /// <inheritdoc />
    public string Name => "managed (NBitcoin.Secp256k1)";

    /// <inheritdoc />
    public bool Verify(ReadOnlySpan<byte> xOnlyPublicKey32, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> signature64)
    {
        if (xOnlyPublicKey32.Length != 32 || message32.Length != 32 || signature64.Length != 64) return false;
        if (!NBitcoin.Secp256k1.ECXOnlyPubKey.TryCreate(xOnlyPublicKey32, out var key) || key is null) return false;
        if (!NBitcoin.Secp256k1.SecpSchnorrSignature.TryCreate(signature64, out var signature) || signature is null) return false;
        return key.SigVerifyBIP340(signature, message32);
    }
}

/// <summary>BIP340 verification by the native libsecp256k1 bundled with Secp256k1.Net.</summary>
public sealed class NativeSchnorrVerifier : ISchnorrVerifier
{
    /// <summary>The one instance; the library keeps its own thread-safe context.</summary>
    public static readonly NativeSchnorrVerifier Instance = new();

    /// <inheritdoc />
    public string Name => "native (libsecp256k1 via Secp256k1.Net)";

    /// <inheritdoc />
    public bool Verify(ReadOnlySpan<byte> xOnlyPublicKey32, ReadOnlySpan<byte> message32, ReadOnlySpan<byte> signature64)
    {
        if (xOnlyPublicKey32.Length != 32 || message32.Length != 32 || signature64.Length != 64) return false;
        try
        {
            return Secp256k1Net.Secp256k1.VerifySchnorr(signature64, message32, xOnlyPublicKey32);
        }
        catch (ArgumentException)
        {
            // The wrapper refuses keys it cannot parse (not on the curve) by throwing; for us that is "not valid".
            return false;
        }
    }

    /// <summary>True if the native library loads on this machine; callers fall back to managed if not.</summary>
    public static bool IsAvailable()
    {
        try
        {
            Span<byte> zero = stackalloc byte[64];
            _ = Instance.Verify(zero[..32], zero[..32], zero);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException)
        {
            return false;
        }
    }
}
