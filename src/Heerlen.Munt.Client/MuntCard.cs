using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Heerlen.Munt.Ledger.Accounts;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Heerlen.Munt.Client;

/// <summary>Argon2id cost parameters of a munt card.</summary>
/// <param name="MemoryKib">m, memory in KiB.</param>
/// <param name="Iterations">t, passes over the memory.</param>
/// <param name="Parallelism">p, lanes.</param>
public readonly record struct CardKdfParams(int MemoryKib, int Iterations, int Parallelism)
{
    /// <summary>OWASP's minimum for Argon2id: 19 MiB, two passes, one lane.</summary>
    public static CardKdfParams Default { get; } = new(19_456, 2, 1);
}

/// <summary>The PIN does not open the card (or the sealed part was damaged: the two cannot be told apart).</summary>
public sealed class WrongPinException() : Exception("wrong PIN");

/// <summary>
/// A secret key sealed under a PIN, printed as a QR code: the <b>munt card</b> for someone without a phone, read by a
/// till or an officer's app. The same format as the web core's <c>pinbox.ts</c> (docs/munt-card.md); to be versioned
/// with care. A card can be brute-forced offline against its short PIN by whoever copies the QR code, which is why card
/// accounts get a daily spending limit and can be frozen.
/// </summary>
public static class MuntCard
{
    /// <summary>Prefix of the text form.</summary>
    public const string Prefix = "hmc1.";

    /// <summary>Format version, the first byte.</summary>
    public const byte Version = 1;

    // Layout: version u8 | account [32] | memory_kib u32 | iterations u8 | parallelism u8 | salt [16] | nonce [12] |
    // AES-256-GCM ciphertext [32] + tag [16]. The associated data is the 67-byte header, so neither the account nor the
    // cost can change without the PIN failing.
    private const int SaltBytes = 16;
    private const int NonceBytes = 12;
    private const int SecretBytes = 32;
    private const int TagBytes = 16;
    private const int HeaderBytes = 1 + AccountId.Size + 4 + 1 + 1 + SaltBytes + NonceBytes;
    private const int CardBytes = HeaderBytes + SecretBytes + TagBytes;

    // Bounds on reading: never weaker than the default, never so heavy that a hostile card stalls a till.
    private const int MemoryKibMin = 19_456, MemoryKibMax = 262_144, IterationsMin = 2, IterationsMax = 16, ParallelismMin = 1, ParallelismMax = 4;

    /// <summary>Seals <paramref name="secret32"/> of <paramref name="account"/> under <paramref name="pin"/> (5-8 digits).</summary>
    public static string Seal(ReadOnlySpan<byte> secret32, AccountId account, string pin) =>
        Seal(secret32, account, pin, CardKdfParams.Default, RandomNumberGenerator.GetBytes(SaltBytes), RandomNumberGenerator.GetBytes(NonceBytes));

    /// <summary>Seals with the given cost, salt and nonce: for test vectors only (a reused salt or nonce weakens a card).</summary>
    public static string Seal(ReadOnlySpan<byte> secret32, AccountId account, string pin, CardKdfParams kdf, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> nonce)
    {
        if (secret32.Length != SecretBytes) throw new ArgumentException($"a secret key is {SecretBytes} bytes", nameof(secret32));
        if (account.IsEmpty) throw new ArgumentException("the card needs an account", nameof(account));
        if (salt.Length != SaltBytes || nonce.Length != NonceBytes) throw new ArgumentException($"salt is {SaltBytes} bytes, nonce {NonceBytes}");
        CheckPin(pin);
        CheckParams(kdf);
        byte[] card = new byte[CardBytes];
        card[0] = Version;
        account.Span.CopyTo(card.AsSpan(1));
        BinaryPrimitives.WriteUInt32BigEndian(card.AsSpan(33), (uint)kdf.MemoryKib);
        card[37] = (byte)kdf.Iterations;
        card[38] = (byte)kdf.Parallelism;
        salt.CopyTo(card.AsSpan(39));
        nonce.CopyTo(card.AsSpan(39 + SaltBytes));
        byte[] key = DeriveKey(pin, salt, kdf);
        try
        {
            var gcm = Gcm(true, key, card.AsSpan(HeaderBytes - NonceBytes, NonceBytes), card.AsSpan(0, HeaderBytes));
            int written = gcm.ProcessBytes(secret32.ToArray(), 0, SecretBytes, card, HeaderBytes);
            gcm.DoFinal(card, HeaderBytes + written);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
        return Prefix + Base64Url.EncodeToString(card);
    }

    /// <summary>
    /// Opens a card. Throws <see cref="WrongPinException"/> if the PIN does not fit, <see cref="FormatException"/> for a
    /// text that is not a card, <see cref="ArgumentException"/> for a PIN that breaks the rules (no Argon2id runs then).
    /// </summary>
    public static (byte[] Secret, AccountId Account) Open(string payload, string pin)
    {
        CheckPin(pin);
        byte[] card = Decode(payload, out var account, out var kdf);
        byte[] key = DeriveKey(pin, card.AsSpan(39, SaltBytes), kdf);
        try
        {
            var gcm = Gcm(false, key, card.AsSpan(39 + SaltBytes, NonceBytes), card.AsSpan(0, HeaderBytes));
            byte[] secret = new byte[SecretBytes];
            int written = gcm.ProcessBytes(card, HeaderBytes, SecretBytes + TagBytes, secret, 0);
            gcm.DoFinal(secret, written);
            return (secret, account);
        }
        catch (InvalidCipherTextException)
        {
            throw new WrongPinException();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The account a card is for, without the PIN. Throws <see cref="FormatException"/> for a text that is not a card.</summary>
    public static AccountId Account(string payload)
    {
        Decode(payload, out var account, out _);
        return account;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the PIN is 5 to 8 ASCII digits.</summary>
    public static void CheckPin(string pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        if (pin.Length == 0 || !pin.All(char.IsAsciiDigit)) throw new ArgumentException("a PIN is digits only (0-9)", nameof(pin));
        if (pin.Length is < 5 or > 8) throw new ArgumentException($"a PIN has 5 to 8 digits, this one has {pin.Length}", nameof(pin));
    }

    private static byte[] Decode(string payload, out AccountId account, out CardKdfParams kdf)
    {
        if (payload is null || !payload.StartsWith(Prefix, StringComparison.Ordinal)) throw new FormatException($"a munt card starts with '{Prefix}'");
        var text = payload.AsSpan(Prefix.Length).Trim();
        if (!Base64Url.IsValid(text) || text.Length != Base64Url.GetEncodedLength(CardBytes))
            throw new FormatException($"a munt card is {Base64Url.GetEncodedLength(CardBytes)} characters of base64url after '{Prefix}'");
        byte[] card = Base64Url.DecodeFromChars(text);
        if (card.Length != CardBytes) throw new FormatException($"a munt card holds {CardBytes} bytes");
        if (card[0] != Version) throw new FormatException($"munt card version {card[0]} is not supported (this reads {Version})");
        account = new AccountId(card.AsSpan(1, AccountId.Size));
        uint memory = BinaryPrimitives.ReadUInt32BigEndian(card.AsSpan(33));
        if (memory > MemoryKibMax) throw new FormatException("the card's Argon2id memory is out of range");
        kdf = new CardKdfParams((int)memory, card[37], card[38]);
        try
        {
            CheckParams(kdf);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message);
        }
        return card;
    }

    private static void CheckParams(CardKdfParams p)
    {
        if (p.MemoryKib is < MemoryKibMin or > MemoryKibMax || p.Iterations is < IterationsMin or > IterationsMax || p.Parallelism is < ParallelismMin or > ParallelismMax)
            throw new ArgumentException($"Argon2id parameters m={p.MemoryKib} t={p.Iterations} p={p.Parallelism} are outside m {MemoryKibMin}-{MemoryKibMax} KiB, t {IterationsMin}-{IterationsMax}, p {ParallelismMin}-{ParallelismMax}");
    }

    private static byte[] DeriveKey(string pin, ReadOnlySpan<byte> salt, CardKdfParams kdf)
    {
        var parameters = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
            .WithVersion(Argon2Parameters.Version13)
            .WithMemoryAsKB(kdf.MemoryKib)
            .WithIterations(kdf.Iterations)
            .WithParallelism(kdf.Parallelism)
            .WithSalt(salt.ToArray())
            .Build();
        var generator = new Argon2BytesGenerator();
        generator.Init(parameters);
        byte[] key = new byte[32];
        generator.GenerateBytes(Encoding.ASCII.GetBytes(pin), key);
        return key;
    }

    private static GcmBlockCipher Gcm(bool encrypt, byte[] key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData)
    {
        var gcm = new GcmBlockCipher(new AesEngine());
        gcm.Init(encrypt, new AeadParameters(new KeyParameter(key), TagBytes * 8, nonce.ToArray(), associatedData.ToArray()));
        return gcm;
    }
}
