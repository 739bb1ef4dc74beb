using System.Text.Json;
using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Participation;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Heerlen.Munt.Ledger.Tests.Crypto;

/// <summary>
/// docs/vectors/reward-token-v1.json: reward tokens made here (the message of <see cref="RewardToken.Message"/>, its RFC 9474
/// blinding with a recorded salt and inverse, the campaign key's blind signature and the finished token) and campaign key
/// encodings the ledger refuses, with the reason. The web core (src/Heerlen.Munt.Web/src/core/blindrsa.test.ts) reads the same
/// file, so a resident's browser blinds, unblinds and checks a token exactly as the ledger does. Keys are random, so the
/// file is generated once (HEERLEN_MUNT_WRITE_VECTORS=1 rewrites it); from then on every value in it must still come out the same.
/// </summary>
public class RewardTokenVectorTests
{
    private const string FileName = "reward-token-v1.json";
    private const string ChainId = "heerlen-munt-vectors";

    // Test accounts: the keys of fixed test secrets (never used anywhere else).
    private static AccountId TestAccount(string label) =>
        SigningKey.FromSecret(Hash32.Sha256(System.Text.Encoding.UTF8.GetBytes("heerlen-munt test vector key: " + label)).Span).PublicKey;

    private static string SourcePath => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "vectors", FileName));

    private static readonly Lazy<JsonObject> File_ = new(Load);

    private static JsonObject Load()
    {
        if (Environment.GetEnvironmentVariable("HEERLEN_MUNT_WRITE_VECTORS") == "1")
        {
            string text = Generate().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
            File.WriteAllText(SourcePath, text);
            return JsonNode.Parse(text)!.AsObject();
        }
        return JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DocVectors", FileName)))!.AsObject();
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Unhex(JsonNode? node, string field) => Convert.FromHexString((string)node![field]!);

    // A 2048-bit key (the smallest the ledger takes), a 2049-bit one (k = 257 bytes but the PSS encoding is 256: the
    // encoding is one byte shorter than the modulus) and a 3072-bit one (what munt-module makes by default).
    private static readonly int[] Bits = [2048, 2049, 3072];

    private static JsonObject Generate()
    {
        var rng = new SecureRandom();
        var tokens = new JsonArray();
        foreach (int bits in Bits)
        {
            var key = RsaBlindPrivateKey.Generate(bits, rng);
            var campaign = CampaignId.New();
            var account = TestAccount($"resident {bits}");
            var serial = new Hash32(SecureRandom.GetNextBytes(rng, 32));
            byte[] message = RewardToken.Message(ChainId, campaign, account, serial);
            byte[] salt = SecureRandom.GetNextBytes(rng, RsaBlindSignatures.SaltLength(RewardToken.Variant));
            BigInteger n = key.PublicKey.N, r;
            do r = BigIntegers.CreateRandomInRange(BigInteger.One, n.Subtract(BigInteger.One), rng);
            while (!r.Gcd(n).Equals(BigInteger.One));
            var blinding = RsaBlindSignatures.Blind(key.PublicKey, message, RewardToken.Variant, salt, BigIntegers.AsUnsignedByteArray(key.PublicKey.ModulusBytes, r));
            byte[] blindSignature = RsaBlindSignatures.BlindSign(key, blinding.BlindedMessage, rng);
            byte[] signature = RsaBlindSignatures.Finalize(key.PublicKey, message, blindSignature, blinding.Inverse, RewardToken.Variant);
            var p = key.Parameters;
            tokens.Add(new JsonObject
            {
                ["modulus_bits"] = bits,
                ["p"] = Hex(p.P.ToByteArrayUnsigned()),
                ["q"] = Hex(p.Q.ToByteArrayUnsigned()),
                ["e"] = Hex(p.PublicExponent.ToByteArrayUnsigned()),
                ["d"] = Hex(p.Exponent.ToByteArrayUnsigned()),
                ["public_key"] = Hex(key.PublicKey.Encode()),
                ["key_id"] = key.PublicKey.KeyId.ToString(),
                ["chain_id"] = ChainId,
                ["campaign"] = campaign.ToString(),
                ["account"] = account.ToString(),
                ["serial"] = Hex(serial.Span),
                ["message"] = Hex(message),
                ["salt"] = Hex(salt),
                ["inverse"] = Hex(blinding.Inverse),
                ["blinded_message"] = Hex(blinding.BlindedMessage),
                ["blind_signature"] = Hex(blindSignature),
                ["signature"] = Hex(signature),
            });
        }

        // Encodings the ledger refuses (OpenCampaign: campaign_key_invalid), each with RsaBlindPublicKey.Decode's reason.
        var good = RsaBlindPrivateKey.Generate(2048, rng).PublicKey;
        byte[] n2048 = good.Modulus.ToArray(), e = good.Exponent.ToArray();
        byte[] Encode(byte[] modulus, byte[] exponent)
        {
            var w = new CanonicalWriter(16 + modulus.Length + exponent.Length);
            w.Bytes16(modulus);
            w.Bytes16(exponent);
            return w.ToArray();
        }
        byte[] Odd(byte[] b)
        {
            b[^1] |= 1;
            return b;
        }
        byte[] valid = good.Encode();
        List<byte[]> refusals =
        [
            valid[..1],                                                  // truncated before the modulus's length
            valid[..(2 + n2048.Length)],                                 // truncated before the exponent's length
            valid[..^1],                                                 // the exponent says more bytes than follow
            [.. valid, 0],                                               // a byte after the exponent
            Encode([], e),                                               // an empty modulus
            Encode([0, .. n2048], e),                                    // a leading zero byte in the modulus
            Encode(n2048, [0, .. e]),                                    // a leading zero byte in the exponent
            Encode(Odd([0x80, .. SecureRandom.GetNextBytes(rng, 254)]), e), // 2040 bits
            Encode(Odd([0x01, .. SecureRandom.GetNextBytes(rng, 512)]), e), // 4097 bits
            Encode([.. n2048[..^1], (byte)(n2048[^1] & 0xFE)], e),       // an even modulus
            Encode(n2048, [1]),                                          // e = 1
            Encode(n2048, [0x01, 0x00, 0x00]),                           // an even exponent
            Encode(n2048, n2048),                                        // e = n: not below the modulus
        ];
        var refused = new JsonArray();
        foreach (byte[] encoding in refusals)
        {
            var problem = Assert.Throws<FormatException>(() => RsaBlindPublicKey.Decode(encoding));
            refused.Add(new JsonObject { ["encoding"] = Hex(encoding), ["reason"] = problem.Message });
        }

        return new JsonObject
        {
            ["description"] = "Heerlen Munt reward tokens (docs/chain-format.md, \"Participation campaigns\"): RSABSSA-SHA384-PSS-Deterministic (RFC 9474; SHA-384, MGF1-SHA-384, salt 48 bytes, no message prefix) "
                + "signatures by a campaign key of \"heerlen-munt/v1/reward-token\" || text(chain_id) || u128 campaign || 32-byte x-only key of the account || serial. "
                + "Made by the C# ledger (RewardToken, RsaBlindSignatures); checked by its tests and by the web core's. Test keys only.",
            ["notes"] = new JsonArray(
                "All byte values are lower-case hex. public_key is the chain's key encoding u16 len(n) || n || u16 len(e) || e; key_id is SHA-256 of it.",
                "inverse is the inverse of the blind r modulo n (k bytes); r = inverse^-1 mod n reproduces blinded_message = EMSA-PSS-ENCODE(message, salt) * r^e mod n.",
                "p, q, e, d are the campaign's private key (test keys only), so the blind signature can be reproduced: blind_signature = blinded_message^d mod n.",
                "refused_keys are encodings the ledger refuses (campaign_key_invalid) with RsaBlindPublicKey.Decode's reason, after 'RSA public key: '."),
            ["tokens"] = tokens,
            ["refused_keys"] = refused,
        };
    }

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, Bits.Length)];

    private static JsonNode Token(int index) => File_.Value["tokens"]!.AsArray()[index]!;

    [Fact]
    public void the_file_holds_tokens_for_2048_2049_and_3072_bit_keys_and_the_refused_key_encodings()
    {
        Assert.Equal(Bits, File_.Value["tokens"]!.AsArray().Select(t => (int)t!["modulus_bits"]!));
        Assert.True(File_.Value["refused_keys"]!.AsArray().Count >= 13);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void the_token_message_key_and_signature_are_what_the_ledger_makes_and_accepts(int index)
    {
        var t = Token(index);
        var key = RsaBlindPublicKey.Decode(Unhex(t, "public_key"));
        var campaign = CampaignId.Parse((string)t["campaign"]!);
        var account = AccountId.Parse((string)t["account"]!);
        var serial = new Hash32(Unhex(t, "serial"));

        Assert.Equal((int)t["modulus_bits"]!, key.ModulusBits);
        Assert.Equal((string)t["key_id"]!, key.KeyId.ToString());
        Assert.Equal(Hex(Unhex(t, "message")), Hex(RewardToken.Message((string)t["chain_id"]!, campaign, account, serial)));
        Assert.True(RewardToken.Verify(key, (string)t["chain_id"]!, campaign, account, serial, Unhex(t, "signature")));
        // Bound to the account: the same token does not pay anyone else.
        Assert.False(RewardToken.Verify(key, (string)t["chain_id"]!, campaign, TestAccount("someone else"), serial, Unhex(t, "signature")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void the_recorded_salt_and_inverse_blind_sign_and_finalize_to_the_recorded_values(int index)
    {
        var t = Token(index);
        var key = RsaBlindPrivateKey.FromPrimes(Unhex(t, "p"), Unhex(t, "q"), Unhex(t, "e"), Unhex(t, "d"));
        Assert.Equal(Hex(Unhex(t, "public_key")), Hex(key.PublicKey.Encode()));
        byte[] inverse = Unhex(t, "inverse");
        byte[] r = BigIntegers.AsUnsignedByteArray(inverse.Length, new BigInteger(1, inverse).ModInverse(key.PublicKey.N));

        var blinding = RsaBlindSignatures.Blind(key.PublicKey, Unhex(t, "message"), RewardToken.Variant, Unhex(t, "salt"), r);
        byte[] blindSignature = RsaBlindSignatures.BlindSign(key, blinding.BlindedMessage, new SecureRandom());
        byte[] signature = RsaBlindSignatures.Finalize(key.PublicKey, Unhex(t, "message"), blindSignature, blinding.Inverse, RewardToken.Variant);

        Assert.Equal((string)t["blinded_message"]!, Hex(blinding.BlindedMessage));
        Assert.Equal(Hex(inverse), Hex(blinding.Inverse));
        Assert.Equal((string)t["blind_signature"]!, Hex(blindSignature));
        Assert.Equal((string)t["signature"]!, Hex(signature));
    }

    [Fact]
    public void every_refused_key_encoding_is_still_refused_for_the_recorded_reason()
    {
        foreach (var refused in File_.Value["refused_keys"]!.AsArray())
        {
            var problem = Assert.Throws<FormatException>(() => RsaBlindPublicKey.Decode(Unhex(refused, "encoding")));
            Assert.Equal((string)refused!["reason"]!, problem.Message);
            Assert.False(RewardToken.TryDecodeKey(Unhex(refused, "encoding"), out _));
        }
    }
}
