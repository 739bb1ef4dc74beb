using System.Security.Cryptography;
using Heerlen.Munt.Ledger.Accounts;
using NBitcoin;

namespace Heerlen.Munt.Ledger.Crypto;

/// <summary>
/// A secp256k1 private key that signs BIP340 Schnorr signatures. Keys come from a BIP39 phrase through
/// BIP32 derivation (<see cref="FromPhrase"/>), so a resident who loses a phone gets the same key back
/// from the twelve words. Lives on the signer's device; the ledger never needs it.
/// </summary>
public sealed class SigningKey
{
    /// <summary>
    /// BIP32 path of a Heerlen Munt account key: purpose 44', an unregistered coin type 8470' ("HM"),
    /// account index', external chain 0, index 0. Part of the wallet format: to be versioned with care.
    /// </summary>
    public const string DerivationPathTemplate = "m/44'/8470'/{0}'/0/0";

    private readonly NBitcoin.Secp256k1.ECPrivKey _key;

    private SigningKey(NBitcoin.Secp256k1.ECPrivKey key)
    {
        _key = key;
        PublicKey = new AccountId(key.CreateXOnlyPubKey().ToBytes());
    }

    /// <summary>The 32-byte x-only public key, which is also the id of an account opened with it.</summary>
    public AccountId PublicKey { get; }

    /// <summary>A fresh random key.</summary>
    public static SigningKey Generate() => FromSecret(new Key().ToBytes());

    /// <summary>Wraps a 32-byte secret; throws if it is zero or not below the curve order.</summary>
    public static SigningKey FromSecret(ReadOnlySpan<byte> secret32)
    {
        if (secret32.Length != 32 || !NBitcoin.Secp256k1.ECPrivKey.TryCreate(secret32, out var key) || key is null)
            throw new ArgumentException("not a valid secp256k1 secret key", nameof(secret32));
        return new SigningKey(key);
    }

    /// <summary>Derives the key of account <paramref name="accountIndex"/> from a BIP39 phrase (English word list).</summary>
    public static SigningKey FromPhrase(string phrase, int accountIndex = 0, string passphrase = "")
    {
        var mnemonic = new Mnemonic(phrase, Wordlist.English);
        if (!mnemonic.IsValidChecksum) throw new ArgumentException("the twelve words do not fit together (checksum)", nameof(phrase));
        ExtKey root = mnemonic.DeriveExtKey(passphrase);
        ExtKey child = root.Derive(KeyPath.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, DerivationPathTemplate, accountIndex)));
        return FromSecret(child.PrivateKey.ToBytes());
    }

    /// <summary>
    /// The 32-byte secret, for storing the key encrypted (a wallet file, a printed card) or in a demo key file. Whoever
    /// holds it can sign for the account: never log it, never send it to a server.
    /// </summary>
    public byte[] ExportSecret()
    {
        var secret = new byte[32];
        _key.WriteToSpan(secret);
        return secret;
    }

    /// <summary>A new random twelve-word BIP39 phrase (English word list).</summary>
    public static string NewPhrase() => new Mnemonic(Wordlist.English, WordCount.Twelve).ToString();

    /// <summary>
    /// Signs a 32-byte digest. Auxiliary randomness (BIP340 "aux_rand") is fresh unless given, which
    /// protects against side channels; give it only to reproduce test vectors.
    /// </summary>
    public byte[] Sign(ReadOnlySpan<byte> message32, ReadOnlySpan<byte> auxRand32 = default)
    {
        if (message32.Length != 32) throw new ArgumentException("the ledger signs 32-byte digests only", nameof(message32));
        byte[] aux = auxRand32.Length == 32 ? auxRand32.ToArray() : RandomNumberGenerator.GetBytes(32);
        var signature = _key.SignBIP340(message32, aux);
        var bytes = new byte[64];
        signature.WriteToSpan(bytes);
        return bytes;
    }
}
