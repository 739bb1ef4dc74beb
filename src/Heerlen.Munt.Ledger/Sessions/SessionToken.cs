using System.Buffers.Text;
using System.Security.Cryptography;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Sessions;

/// <summary>
/// A short-lived proof that the caller holds an account's key, for reading that account's personal data (history,
/// jobs, personal details). The client makes it itself (no round trip, no password): it signs the chain id, the
/// account, the key, a validity window and a random nonce. Nothing on the chain changes. Text form
/// <c>hms1.</c> + base64url of the bytes; format in docs/api.md, "Sessions": to be versioned with care.
/// </summary>
public sealed class SessionToken
{
    /// <summary>Format version.</summary>
    public const byte Version = 1;

    /// <summary>Domain tag of what the key signs, so a session signature can never pass for a command's.</summary>
    public const string HashTag = "heerlen-munt/v1/session";

    /// <summary>Prefix of the text form.</summary>
    public const string TextPrefix = "hms1.";

    /// <summary>The longest a session may last. Short, so a token copied from a log is soon worthless.</summary>
    public static readonly TimeSpan LifetimeMax = TimeSpan.FromMinutes(60);

    private const int NonceBytes = 16;
    private const int EncodedBytesMax = 1 + 1 + 64 + 32 + 32 + 8 + 8 + NonceBytes + 64;

    private SessionToken(string chainId, AccountId account, AccountId key, long issuedAtMs, long expiresAtMs, byte[] nonce, byte[] signature, Hash32 digest)
    {
        ChainId = chainId;
        Account = account;
        Key = key;
        IssuedAtMs = issuedAtMs;
        ExpiresAtMs = expiresAtMs;
        Nonce = nonce;
        Signature = signature;
        Digest = digest;
    }

    /// <summary>The chain it is for.</summary>
    public string ChainId { get; }

    /// <summary>The account whose data may be read.</summary>
    public AccountId Account { get; }

    /// <summary>The key that signed: must be the account's current key.</summary>
    public AccountId Key { get; }

    /// <summary>Valid from (unix ms).</summary>
    public long IssuedAtMs { get; }

    /// <summary>Valid until (unix ms).</summary>
    public long ExpiresAtMs { get; }

    /// <summary>16 random bytes, so two sessions never look alike.</summary>
    public byte[] Nonce { get; }

    /// <summary>BIP340 signature of <see cref="Digest"/>.</summary>
    public byte[] Signature { get; }

    /// <summary>What the key signed.</summary>
    public Hash32 Digest { get; }

    /// <summary>Makes and signs a session for <paramref name="account"/> valid from <paramref name="nowMs"/> for <paramref name="lifetime"/>.</summary>
    public static SessionToken Create(string chainId, AccountId account, SigningKey key, long nowMs, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > LifetimeMax) throw new ArgumentOutOfRangeException(nameof(lifetime), $"a session lasts at most {LifetimeMax.TotalMinutes} minutes");
        byte[] nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        long expires = checked(nowMs + (long)lifetime.TotalMilliseconds);
        Hash32 digest = DigestOf(chainId, account, key.PublicKey, nowMs, expires, nonce);
        return new SessionToken(chainId, account, key.PublicKey, nowMs, expires, nonce, key.Sign(digest.Span), digest);
    }

    /// <summary>The text to send as <c>authorization: Bearer …</c>.</summary>
    public string ToText()
    {
        var w = new CanonicalWriter(EncodedBytesMax);
        WriteUnsigned(w, ChainId, Account, Key, IssuedAtMs, ExpiresAtMs, Nonce);
        w.Fixed(Signature);
        return TextPrefix + Base64Url.EncodeToString(w.WrittenSpan);
    }

    /// <summary>Reads the text form; never throws on bad input. Checks the format only, not the signature or the times.</summary>
    public static bool TryParse(string? text, out SessionToken? token, out string problem)
    {
        token = null;
        problem = "";
        if (string.IsNullOrEmpty(text) || !text.StartsWith(TextPrefix, StringComparison.Ordinal))
        {
            problem = $"a session starts with '{TextPrefix}'";
            return false;
        }
        if (text.Length > TextPrefix.Length + (EncodedBytesMax * 4 / 3) + 4)
        {
            problem = "the session is too long";
            return false;
        }
        var encoded = text.AsSpan(TextPrefix.Length);
        // IsValid first: the decoder's "Try" is about the buffer's size, and it throws on characters outside base64url.
        var bytes = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (!Base64Url.IsValid(encoded) || !Base64Url.TryDecodeFromChars(encoded, bytes, out int written))
        {
            problem = "the session is not base64url";
            return false;
        }
        try
        {
            var r = new CanonicalReader(bytes.AsSpan(0, written));
            if (r.U8() != Version) throw new DecodeException("unknown session version");
            string chainId = r.Text();
            var account = new AccountId(r.Fixed(AccountId.Size));
            var key = new AccountId(r.Fixed(AccountId.Size));
            long issued = r.I64();
            long expires = r.I64();
            byte[] nonce = r.Fixed(NonceBytes).ToArray();
            byte[] signature = r.Fixed(64).ToArray();
            r.ExpectEnd();
            token = new SessionToken(chainId, account, key, issued, expires, nonce, signature, DigestOf(chainId, account, key, issued, expires, nonce));
            return true;
        }
        catch (DecodeException e)
        {
            problem = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Checks the signature, the chain and the validity window (allowing <paramref name="clockSkew"/> for a phone's
    /// clock). Whether <see cref="Key"/> is the account's current key is for the caller to check against the ledger.
    /// </summary>
    public SessionCheck Check(string chainId, long nowMs, ISchnorrVerifier verifier, TimeSpan clockSkew)
    {
        long skew = (long)clockSkew.TotalMilliseconds;
        if (ChainId != chainId) return SessionCheck.WrongChain;
        // Unchecked: the times come from the network and may be anything; the comparison before makes the difference positive.
        if (ExpiresAtMs <= IssuedAtMs || unchecked((ulong)(ExpiresAtMs - IssuedAtMs)) > (ulong)LifetimeMax.TotalMilliseconds) return SessionCheck.BadWindow;
        if (IssuedAtMs > nowMs + skew) return SessionCheck.NotYetValid;
        if (ExpiresAtMs <= nowMs - skew) return SessionCheck.Expired;
        return verifier.Verify(Key.Span, Digest.Span, Signature) ? SessionCheck.Valid : SessionCheck.BadSignature;
    }

    private static Hash32 DigestOf(string chainId, AccountId account, AccountId key, long issued, long expires, byte[] nonce)
    {
        var w = new CanonicalWriter(EncodedBytesMax);
        WriteUnsigned(w, chainId, account, key, issued, expires, nonce);
        return Hash32.Tagged(HashTag, w.WrittenSpan);
    }

    private static void WriteUnsigned(CanonicalWriter w, string chainId, AccountId account, AccountId key, long issued, long expires, byte[] nonce)
    {
        w.U8(Version);
        w.Text(chainId);
        w.Fixed(account.Span);
        w.Fixed(key.Span);
        w.I64(issued);
        w.I64(expires);
        w.Fixed(nonce);
    }
}

/// <summary>What <see cref="SessionToken.Check"/> found.</summary>
public enum SessionCheck
{
    /// <summary>Signed by the key it names, for this chain, within its window.</summary>
    Valid,

    /// <summary>Made for another chain.</summary>
    WrongChain,

    /// <summary>Its window is empty or longer than allowed.</summary>
    BadWindow,

    /// <summary>Its window has not begun (the phone's clock is ahead).</summary>
    NotYetValid,

    /// <summary>Its window has passed.</summary>
    Expired,

    /// <summary>The signature does not check out.</summary>
    BadSignature,
}
