using System.Text.Json;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Participation;
using Org.BouncyCastle.Security;

namespace Heerlen.Munt.Client;

/// <summary>
/// What a resident's device keeps between asking a participation module for a reward token and handing it in: the
/// random serial and the blinding's inverse stay on the device (they are what makes the token unlinkable); only
/// <see cref="BlindedMessage"/> goes to the module. Keep it private until redeemed, then forget it.
/// </summary>
/// <param name="ChainId">The chain.</param>
/// <param name="Campaign">The campaign.</param>
/// <param name="Account">The account the token will pay (inside the signed message, so nobody else can use it).</param>
/// <param name="PublicKey">The campaign's key, as the chain has it.</param>
/// <param name="Serial">The token's random serial.</param>
/// <param name="BlindedMessage">What to show the module (RFC 9474 blinded message).</param>
/// <param name="Inverse">The blinding's inverse, to unblind the module's answer.</param>
public sealed record PendingReward(string ChainId, string Campaign, string Account, byte[] PublicKey, byte[] Serial, byte[] BlindedMessage, byte[] Inverse)
{
    /// <summary>As JSON (byte fields in base64), for a file on the device.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads <see cref="ToJson"/>'s form; anything else (a field missing, another file) is a <see cref="FormatException"/>.</summary>
    public static PendingReward FromJson(string json)
    {
        PendingReward? read;
        try
        {
            read = JsonSerializer.Deserialize<PendingReward>(json);
        }
        catch (JsonException e)
        {
            throw new FormatException("not a pending reward", e);
        }
        if (read is null || string.IsNullOrEmpty(read.ChainId) || !CampaignId.TryParse(read.Campaign, out _) || !AccountId.TryParse(read.Account, out _)
            || read.PublicKey is not { Length: > 0 } || read.Serial is not { Length: 32 } || read.BlindedMessage is not { Length: > 0 } || read.Inverse is not { Length: > 0 })
            throw new FormatException("not a pending reward: a field is missing or wrong");
        return read;
    }
}

/// <summary>The resident's side of a reward token (RFC 9474): blind, then unblind and check the module's answer.</summary>
public static class RewardTokens
{
    private static readonly SecureRandom Random = new();

    /// <summary>A fresh serial and blinding for one token of <paramref name="campaign"/> for <paramref name="account"/>.</summary>
    public static PendingReward Request(string chainId, CampaignId campaign, AccountId account, RsaBlindPublicKey key)
    {
        var serial = new Hash32(SecureRandom.GetNextBytes(Random, 32));
        byte[] message = RewardToken.Message(chainId, campaign, account, serial);
        var blinding = RsaBlindSignatures.Blind(key, message, RewardToken.Variant, Random);
        return new PendingReward(chainId, campaign.ToString(), account.ToString(), key.Encode(), serial.Span.ToArray(), blinding.BlindedMessage, blinding.Inverse);
    }

    /// <summary>
    /// Unblinds the module's <paramref name="blindSignature"/> into the token's signature and checks it against the campaign's key.
    /// Throws <see cref="MuntException"/> (<c>reward_signature_invalid</c>) if the module's answer does not make a valid token.
    /// </summary>
    public static (Hash32 Serial, byte[] Signature) Finish(PendingReward pending, byte[] blindSignature)
    {
        var key = RsaBlindPublicKey.Decode(pending.PublicKey);
        var serial = new Hash32(pending.Serial);
        byte[] message = RewardToken.Message(pending.ChainId, CampaignId.Parse(pending.Campaign), AccountId.Parse(pending.Account), serial);
        try
        {
            return (serial, RsaBlindSignatures.Finalize(key, message, blindSignature, pending.Inverse, RewardToken.Variant));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new MuntException("reward_signature_invalid",
                "Het antwoord van de balie klopt niet. Laat de balie dezelfde code nog een keer ondertekenen; dat mag.",
                Grpc.Core.StatusCode.InvalidArgument, e.Message, e);
        }
    }

    /// <summary>
    /// The code the desk reads from the app: base64 of the blinded message followed by the first 4 bytes of its SHA-256, so a
    /// code that was misread is refused before it is signed (and before it counts as the person's token).
    /// </summary>
    public static string DeskCode(byte[] blindedMessage) =>
        Convert.ToBase64String([.. blindedMessage, .. System.Security.Cryptography.SHA256.HashData(blindedMessage).AsSpan(0, 4)]);

    /// <summary>
    /// Reads a <see cref="DeskCode"/> back into the blinded message. Throws <see cref="FormatException"/> if it is not
    /// base64 or its check does not match (a misread code): it is never signed.
    /// </summary>
    public static byte[] ReadDeskCode(string code)
    {
        byte[] bytes = Convert.FromBase64String(code.Trim());
        if (bytes.Length <= 4) throw new FormatException("the desk code is too short");
        byte[] body = bytes[..^4];
        return System.Security.Cryptography.SHA256.HashData(body).AsSpan(0, 4).SequenceEqual(bytes.AsSpan(^4))
            ? body
            : throw new FormatException("the desk code's check does not match: it was misread");
    }
}
