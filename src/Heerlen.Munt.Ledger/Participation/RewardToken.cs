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
