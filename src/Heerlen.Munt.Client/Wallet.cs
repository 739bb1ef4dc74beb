using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Client;

/// <summary>
/// A person's keys: made from twelve words (BIP39), so the same words give the same account back on a new phone.
/// The private key never leaves this object; the server never sees it.
/// </summary>
public sealed class Wallet
{
    private Wallet(string? phrase, SigningKey key, AccountId account)
    {
        Phrase = phrase;
        Key = key;
        Account = account;
    }

    /// <summary>The twelve words, if the wallet was made from them (write them down; never send them anywhere).</summary>
    public string? Phrase { get; }

    /// <summary>The signing key.</summary>
    public SigningKey Key { get; }

    /// <summary>The account id (hm1…). After a key rotation it stays the first key's id.</summary>
    public AccountId Account { get; }

    /// <summary>A new wallet with fresh twelve words.</summary>
    public static Wallet Create() => Restore(SigningKey.NewPhrase());

    /// <summary>The wallet of these twelve words; throws <see cref="ArgumentException"/> if they do not fit together.</summary>
    public static Wallet Restore(string phrase, int accountIndex = 0)
    {
        string words = string.Join(' ', phrase.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        var key = SigningKey.FromPhrase(words, accountIndex);
        return new Wallet(words, key, key.PublicKey);
    }

    /// <summary>A wallet from a raw secret key (hex), e.g. an officer's key kept in a file.</summary>
    public static Wallet FromSecret(string secretHex, AccountId? account = null)
    {
        var key = SigningKey.FromSecret(Convert.FromHexString(secretHex.Trim()));
        return new Wallet(null, key, account ?? key.PublicKey);
    }

    /// <summary>The same account with a new key (after a RotateKey command was applied).</summary>
    public Wallet WithKey(SigningKey newKey) => new(null, newKey, Account);
}
