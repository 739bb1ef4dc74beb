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

    // 2048-bit keys take a moment to make: a few per test run, shared (each campaign needs its own).
    private static readonly Lazy<RsaBlindPrivateKey>[] Pool = [.. Enumerable.Range(0, 6).Select(_ => new Lazy<RsaBlindPrivateKey>(() => RsaBlindPrivateKey.Generate(2048, Random)))];

    public static RsaBlindPrivateKey CampaignKey => Pool[0].Value;

    public static RsaBlindPrivateKey OtherCampaignKey => Pool[1].Value;

    /// <summary>One of the shared keys (index modulo the pool's size).</summary>
    public static RsaBlindPrivateKey Key(int i) => Pool[i % Pool.Length].Value;

    /// <summary>The shared private key whose public half is <paramref name="publicKey"/>, or null.</summary>
    public static RsaBlindPrivateKey? Find(RsaBlindPublicKey publicKey) =>
        Pool.Where(k => k.IsValueCreated).Select(k => k.Value).FirstOrDefault(k => k.PublicKey.Equals(publicKey));

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
