using System.Text.Json.Nodes;
using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Accounts;

namespace Heerlen.Munt.Server.Tests.Cards;

/// <summary>
/// docs/vectors/munt-card-v1.json, written by the web core (pinbox.ts): a card printed by one side must open on the
/// other, and sealing with the same salt and nonce must give the very same text.
/// </summary>
public sealed class When_a_munt_card_from_the_web_core_is_read
{
    private static readonly JsonObject Vectors = JsonNode.Parse(File.ReadAllText(Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "vectors", "munt-card-v1.json"))))!.AsObject();

    public static TheoryData<int> CaseIndexes() => [.. Enumerable.Range(0, Vectors["cases"]!.AsArray().Count)];

    public static TheoryData<int> WrongPinIndexes() => [.. Enumerable.Range(0, Vectors["wrong_pin"]!.AsArray().Count)];

    public static TheoryData<int> MalformedIndexes() => [.. Enumerable.Range(0, Vectors["malformed"]!.AsArray().Count)];

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void it_is_sealed_to_the_same_text_and_opens_with_its_pin(int index)
    {
        var c = Vectors["cases"]![index]!;
        var account = AccountId.Parse((string)c["account"]!);
        var kdf = new CardKdfParams((int)c["params"]!["m"]!, (int)c["params"]!["t"]!, (int)c["params"]!["p"]!);
        string sealedText = MuntCard.Seal(Convert.FromHexString((string)c["secret"]!), account, (string)c["pin"]!, kdf,
            Convert.FromHexString((string)c["salt"]!), Convert.FromHexString((string)c["nonce"]!));
        Assert.Equal((string)c["payload"]!, sealedText);
        Assert.Equal(account, MuntCard.Account(sealedText));
        var (secret, opened) = MuntCard.Open((string)c["payload"]!, (string)c["pin"]!);
        Assert.Equal((string)c["secret"]!, Convert.ToHexStringLower(secret));
        Assert.Equal(account, opened);
    }

    [Theory]
    [MemberData(nameof(WrongPinIndexes))]
    public void with_another_pin_or_a_damaged_seal_it_does_not_open_and_says_wrong_pin(int index)
    {
        var c = Vectors["wrong_pin"]![index]!;
        Assert.Throws<WrongPinException>(() => MuntCard.Open((string)c["payload"]!, (string)c["pin"]!));
    }

    [Theory]
    [MemberData(nameof(MalformedIndexes))]
    public void a_text_that_is_not_a_card_is_refused_as_such_not_as_a_wrong_pin(int index)
    {
        var c = Vectors["malformed"]![index]!;
        Assert.Throws<FormatException>(() => MuntCard.Open((string)c["payload"]!, "12345"));
    }

    [Theory]
    [InlineData("1234")]
    [InlineData("123456789")]
    [InlineData("12a45")]
    [InlineData("١٢٣٤٥")]
    public void a_pin_that_breaks_the_rules_is_refused_before_anything_is_sealed(string pin)
    {
        var account = AccountId.Parse((string)Vectors["cases"]![0]!["account"]!);
        Assert.Throws<ArgumentException>(() => MuntCard.Seal(new byte[32], account, pin));
    }

    [Fact]
    public void a_card_sealed_here_opens_here_and_differs_each_time()
    {
        var wallet = Wallet.Restore("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong");
        string a = MuntCard.Seal(wallet.Key.ExportSecret(), wallet.Account, "97531");
        string b = MuntCard.Seal(wallet.Key.ExportSecret(), wallet.Account, "97531");
        Assert.NotEqual(a, b);
        Assert.Equal(wallet.Key.ExportSecret(), MuntCard.Open(a, "97531").Secret);
    }
}

/// <summary>docs/vectors/wallets-v1.json: the words as a person types them give the web core's account in the SDK too.</summary>
public sealed class When_a_wallet_is_restored_from_words_typed_carelessly
{
    [Fact]
    public void it_reads_them_as_the_web_core_does_and_gets_the_same_account()
    {
        var cases = JsonNode.Parse(File.ReadAllText(Path.GetFullPath(Path.Combine(
            AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "vectors", "wallets-v1.json"))))!["cases"]!.AsArray();
        Assert.Contains(cases, c => (string)c!["phrase_input"]! != (string)c["normalised_phrase"]!);
        foreach (var c in cases)
        {
            var wallet = Wallet.Restore((string)c!["phrase_input"]!, (int)c["account_index"]!);
            Assert.Equal((string)c["normalised_phrase"]!, wallet.Phrase);
            Assert.Equal((string)c["account_id"]!, wallet.Account.ToString());
        }
    }
}
