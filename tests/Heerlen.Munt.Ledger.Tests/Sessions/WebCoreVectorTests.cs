using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Sessions;

namespace Heerlen.Munt.Ledger.Tests.Sessions;

/// <summary>
/// The vectors the web core (src/Heerlen.Munt.Web/src/core, TypeScript) wrote into docs/vectors: its keys from twelve
/// words and its sessions must be exactly ours, or a phone would sign for another account or be refused its own data.
/// </summary>
public sealed class When_reading_the_web_cores_vectors
{
    private static JsonArray Cases(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DocVectors", file)))!["cases"]!.AsArray();

    [Fact]
    public void every_phrase_derives_to_the_secret_key_and_account_the_web_core_derived()
    {
        var cases = Cases("wallets-v1.json");
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var key = SigningKey.FromPhrase((string)c!["normalised_phrase"]!, (int)c["account_index"]!);
            Assert.Equal((string)c["secret"]!, Convert.ToHexStringLower(key.ExportSecret()));
            Assert.Equal((string)c["x_only_public_key"]!, Convert.ToHexStringLower(key.PublicKey.Span));
            Assert.Equal((string)c["account_id"]!, key.PublicKey.ToString());
        }
    }

    [Fact]
    public void every_session_the_web_core_made_is_read_checks_out_and_is_signed_exactly_as_we_sign()
    {
        var cases = Cases("sessions-v1.json");
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            string text = (string)c!["token"]!;
            Assert.True(SessionToken.TryParse(text, out var token, out string problem), problem);
            var key = SigningKey.FromPhrase((string)c["phrase"]!);
            long now = (long)c["now_ms"]!;
            string chain = (string)c["chain_id"]!;
            Assert.Equal(chain, token!.ChainId);
            Assert.Equal((string)c["account_id"]!, token.Account.ToString());
            Assert.Equal(key.PublicKey, token.Key);
            Assert.Equal(now, token.IssuedAtMs);
            Assert.Equal(now + (long)c["ttl_ms"]!, token.ExpiresAtMs);
            Assert.Equal((string)c["nonce"]!, Convert.ToHexStringLower(token.Nonce));
            Assert.Equal((string)c["digest"]!, token.Digest.ToHex());
            Assert.Equal(SessionCheck.Valid, token.Check(chain, now, ManagedSchnorrVerifier.Instance, TimeSpan.Zero));
            Assert.Equal(SessionCheck.Valid, token.Check(chain, now, NativeSchnorrVerifier.Instance, TimeSpan.Zero));
            Assert.Equal(text, token.ToText());
            // BIP340 with the same aux_rand is deterministic: our key signs the digest to the very same bytes.
            Assert.Equal((string)c["signature"]!, Convert.ToHexStringLower(key.Sign(token.Digest.Span, Convert.FromHexString((string)c["aux_rand"]!))));
        }
    }
}
