using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Participation;
using Org.BouncyCastle.Security;

namespace Heerlen.Munt.Ledger.Tests.Support;

/// <summary>Campaign keys and reward tokens for tests: the whole RFC 9474 round (blind, sign blinded, finalize), as a resident and a module would.</summary>
internal static class Tokens
{
    private static readonly SecureRandom Random = new();

    // 2048-bit keys take a moment to make: two per test run, shared.
    private static readonly Lazy<RsaBlindPrivateKey> First = new(() => RsaBlindPrivateKey.Generate(2048, Random));
    private static readonly Lazy<RsaBlindPrivateKey> Second = new(() => RsaBlindPrivateKey.Generate(2048, Random));

    public static RsaBlindPrivateKey CampaignKey => First.Value;

    public static RsaBlindPrivateKey OtherCampaignKey => Second.Value;

    /// <summary>A genuine token of <paramref name="key"/> for <paramref name="account"/> in <paramref name="campaign"/>.</summary>
    public static (Hash32 Serial, byte[] Signature) Make(RsaBlindPrivateKey key, string chainId, CampaignId campaign, AccountId account, Hash32? chosenSerial = null)
    {
        var serial = chosenSerial ?? new Hash32(SecureRandom.GetNextBytes(Random, 32));
        byte[] message = RewardToken.Message(chainId, campaign, account, serial);
        var blinded = RsaBlindSignatures.Blind(key.PublicKey, message, RewardToken.Variant, Random);
        byte[] blindSignature = RsaBlindSignatures.BlindSign(key, blinded.BlindedMessage, Random);
        return (serial, RsaBlindSignatures.Finalize(key.PublicKey, message, blindSignature, blinded.Inverse, RewardToken.Variant));
    }
}
