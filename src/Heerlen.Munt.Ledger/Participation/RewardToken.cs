using System.Text;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Participation;

/// <summary>
/// What a reward token is (docs/participation.md): a random 32-byte serial, and the campaign key's RSA blind signature
/// (RFC 9474, RSABSSA-SHA384-PSS-Deterministic) of <see cref="Message"/>. The module signs the message blinded, so it never
/// sees the serial, the account or the signature it helped make; the ledger sees them only when the token is handed in.
/// </summary>
public static class RewardToken
{
    /// <summary>Domain tag at the start of every token message.</summary>
    public const string Tag = "heerlen-munt/v1/reward-token";

    /// <summary>The RFC 9474 variant: SHA-384, MGF1-SHA-384, 48-byte salt, no message prefix (the serial is already random).</summary>
    public const RsaBlindVariant Variant = RsaBlindVariant.Sha384PssDeterministic;

    /// <summary>
    /// The message the campaign key signs: the tag, then (canonically) the chain id, the campaign id, the redeeming account
    /// and the serial. The account is inside, so a token copied from the chain is worth nothing to anyone else; the chain and
    /// campaign are inside, so it is worth nothing in another campaign, even one that reused a key.
    /// </summary>
    public static byte[] Message(string chainId, CampaignId campaign, AccountId account, Hash32 serial)
    {
        var w = new CanonicalWriter(128);
        w.Fixed(Encoding.ASCII.GetBytes(Tag));
        w.Text(chainId);
        w.U128(campaign.Value);
        w.Fixed(account.Span);
        w.Fixed(serial.Span);
        return w.ToArray();
    }

    /// <summary>The exponent every campaign key must have (the one every RSA library makes): a small, fixed cost per check.</summary>
    public const int CampaignKeyExponent = 65537;

    /// <summary>A campaign's window may end at most this long after the entry that opens it (five years of 365 days).</summary>
    public const long CampaignWindowMaxMs = 5L * 365 * 86_400_000;

    // Primes below 2^16, for the small-factor test (6,542 of them), multiplied into a few big products.
    private static readonly Lazy<Org.BouncyCastle.Math.BigInteger[]> SmallPrimeProducts = new(() =>
    {
        var sieve = new bool[1 << 16];
        var products = new List<Org.BouncyCastle.Math.BigInteger>();
        var product = Org.BouncyCastle.Math.BigInteger.One;
        for (int i = 2; i < sieve.Length; i++)
        {
            if (sieve[i]) continue;
            for (int j = i * 2; j < sieve.Length; j += i) sieve[j] = true;
            product = product.Multiply(Org.BouncyCastle.Math.BigInteger.ValueOf(i));
            if (product.BitLength > 4096)
            {
                products.Add(product);
                product = Org.BouncyCastle.Math.BigInteger.One;
            }
        }
        products.Add(product);
        return [.. products];
    });

    /// <summary>
    /// Why the ledger refuses <paramref name="key"/> as a campaign key, or null. Beyond the encoding's own rules
    /// (<see cref="RsaBlindPublicKey.Decode"/>): the exponent is 65537, so a hand-in never costs more than one small RSA
    /// operation; and the modulus is not one whose private key anyone can work out from the public one — not a prime, not
    /// a perfect power, no factor below 2^16. (A module can still make a key it knows is weak — e.g. a product of several
    /// ~100-bit primes passes these tests; the issuer trusts a module with its campaign's money anyway. These tests stop
    /// the obvious keys that would let <i>everyone</i> forge tokens, made by mistake.) Deterministic:
    /// Miller-Rabin with the first twelve primes as fixed bases.
    /// </summary>
    public static string? CampaignKeyProblem(RsaBlindPublicKey key)
    {
        var n = key.N;
        if (!key.E.Equals(Org.BouncyCastle.Math.BigInteger.ValueOf(CampaignKeyExponent))) return $"the exponent is not {CampaignKeyExponent}";
        foreach (var product in SmallPrimeProducts.Value)
            if (!n.Gcd(product).Equals(Org.BouncyCastle.Math.BigInteger.One)) return "the modulus has a small factor";
        if (IsProbablePrime(n)) return "the modulus is a prime";
        // With no factor below 2^16, a perfect power p^k of at most 4096 bits has k ≤ 256.
        for (int k = 2; k <= 256; k++)
            if (IsPrimeSmall(k) && IsPerfectPower(n, k)) return $"the modulus is a perfect {k}th power";
        return null;
    }

    private static bool IsPrimeSmall(int k)
    {
        for (int d = 2; d * d <= k; d++)
            if (k % d == 0) return false;
        return true;
    }

    private static bool IsProbablePrime(Org.BouncyCastle.Math.BigInteger n)
    {
        var one = Org.BouncyCastle.Math.BigInteger.One;
        var nMinusOne = n.Subtract(one);
        int s = nMinusOne.GetLowestSetBit();
        var d = nMinusOne.ShiftRight(s);
        foreach (int b in (int[])[2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37])
        {
            var x = Org.BouncyCastle.Math.BigInteger.ValueOf(b).ModPow(d, n);
            if (x.Equals(one) || x.Equals(nMinusOne)) continue;
            bool witness = true;
            for (int i = 1; i < s && witness; i++)
            {
                x = x.ModPow(Org.BouncyCastle.Math.BigInteger.Two, n);
                if (x.Equals(nMinusOne)) witness = false;
            }
            if (witness) return false; // b proves n composite
        }
        return true;
    }

    private static bool IsPerfectPower(Org.BouncyCastle.Math.BigInteger n, int k)
    {
        // Newton's method for floor(n^(1/k)), from an upper bound.
        var kBig = Org.BouncyCastle.Math.BigInteger.ValueOf(k);
        var kMinusOne = Org.BouncyCastle.Math.BigInteger.ValueOf(k - 1);
        var x = Org.BouncyCastle.Math.BigInteger.One.ShiftLeft((n.BitLength + k - 1) / k);
        while (true)
        {
            var next = kMinusOne.Multiply(x).Add(n.Divide(x.Pow(k - 1))).Divide(kBig);
            if (next.CompareTo(x) >= 0) break;
            x = next;
        }
        return x.Pow(k).Equals(n);
    }

    /// <summary>Reads a campaign key as OpenCampaign carries it; false (never an exception) for anything the ledger refuses.</summary>
    public static bool TryDecodeKey(byte[] encoding, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RsaBlindPublicKey? key)
    {
        try
        {
            key = RsaBlindPublicKey.Decode(encoding);
            return true;
        }
        catch (FormatException)
        {
            key = null;
            return false;
        }
    }

    /// <summary>True if <paramref name="signature"/> is <paramref name="key"/>'s signature of the token. Never throws on bad input.</summary>
    public static bool Verify(RsaBlindPublicKey key, string chainId, CampaignId campaign, AccountId account, Hash32 serial, byte[] signature) =>
        RsaBlindSignatures.Verify(key, Message(chainId, campaign, account, serial), signature, Variant);
}
