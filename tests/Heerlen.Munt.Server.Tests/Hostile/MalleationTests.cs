using System.Numerics;
using Google.Protobuf;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Server.Tests.Support;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.Hostile;

/// <summary>
/// A signed command altered in flight: BIP340 signatures made non-canonical (s + n, r + p, s or r out of range, s negated),
/// bits flipped, a signature of another message, another key or signer named, a co-signature added or stripped, and
/// the same command replayed after its expiry. Each is refused with its own code and leaves nothing on the chain: the
/// untouched command is accepted afterwards as new, not as a retry. (Replays twice, on another chain and expired before
/// use are in Edge/BadInputTests; sessions on another chain or of a rotated key in Edge/BadInputTests and the role matrix.)
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MalleationTests(ServerFixture fixture) : IDisposable
{
    /// <summary>The order of secp256k1's group.</summary>
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    /// <summary>The field prime of secp256k1.</summary>
    private static readonly BigInteger P = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", System.Globalization.NumberStyles.HexNumber);

    private static readonly BigInteger TwoTo256 = BigInteger.One << 256;

    private readonly MuntClient _client = fixture.Client();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task every_non_canonical_or_flipped_bip340_signature_is_bad_signature_and_the_untouched_command_is_then_accepted_as_new()
    {
        var pay = await PaymentAsync();
        int at = pay.CommandLength + 1 + 64; // the actor's signature: after the command, the count, the signer and the key
        byte[] r = pay.Envelope[at..(at + 32)], s = pay.Envelope[(at + 32)..(at + 64)];
        var variants = new Dictionary<string, byte[]>
        {
            ["s + n (mod 2^256, as 32 bytes)"] = With(pay, at + 32, Add(s, N)),
            ["s = n"] = With(pay, at + 32, Bytes(N)),
            ["s = n + 1"] = With(pay, at + 32, Bytes(N + 1)),
            ["s = 2^256 - 1"] = With(pay, at + 32, Bytes(TwoTo256 - 1)),
            ["s negated (n - s)"] = With(pay, at + 32, Bytes(N - Number(s))),
            ["s = 0"] = With(pay, at + 32, new byte[32]),
            ["r + p (mod 2^256, as 32 bytes)"] = With(pay, at, Add(r, P)),
            ["r = p"] = With(pay, at, Bytes(P)),
            ["r = p + 1"] = With(pay, at, Bytes(P + 1)),
            ["r = 0"] = With(pay, at, new byte[32]),
        };
        for (int bit = 0; bit < 512; bit += 37) variants[$"bit {bit} of r‖s flipped"] = Flipped(pay.Envelope, at + (bit / 8), bit % 8);

        foreach (var (what, envelope) in variants) Assert.True(await SubmitAsync(envelope) == "bad_signature", what);
        await TheOriginalIsStillNewAsync(pay);
    }

    [Fact]
    public async Task a_signature_of_another_message_or_a_key_named_that_did_not_sign_is_bad_signature_and_another_signer_named_is_refused()
    {
        var payer = await EarnerAsync(500);
        var pay = await PaymentAsync(payer);
        int signerAt = pay.CommandLength + 1, keyAt = signerAt + 32, signatureAt = keyAt + 32;
        var other = await PaymentAsync(payer);
        byte[] otherSignature = other.Envelope[(other.CommandLength + 1 + 64)..(other.CommandLength + 1 + 128)];
        var mallory = Wallet.Create();
        await _client.As(mallory).OpenAccountAsync();

        Assert.Equal("bad_signature", await SubmitAsync(With(pay, signatureAt, otherSignature))); // the payer's real signature, of the other payment
        Assert.Equal("bad_signature", await SubmitAsync(With(pay, signatureAt, payer.Key.Sign(new byte[32])))); // of 32 zero bytes
        Assert.Equal("bad_signature", await SubmitAsync(With(pay, keyAt, mallory.Key.PublicKey.Span.ToArray()))); // the same signature, another key named
        Assert.Equal("bad_signature", await SubmitAsync(With(pay, keyAt, Bytes(P + 5)))); // a key that is no point at all
        // Mallory signs the payer's command with her own key and names it: valid BIP340, but not the payer's key.
        byte[] mallorys = [.. pay.Envelope[..pay.CommandLength], 1, .. payer.Account.Span, .. mallory.Key.PublicKey.Span, .. mallory.Key.Sign(pay.Digest.Span)];
        Assert.Equal("signer_key_mismatch", await SubmitAsync(mallorys));
        // ... or names herself as the signer: the actor must sign first.
        byte[] asMallory = [.. pay.Envelope[..pay.CommandLength], 1, .. mallory.Account.Span, .. mallory.Key.PublicKey.Span, .. mallory.Key.Sign(pay.Digest.Span)];
        Assert.Equal("signatures_do_not_fit", await SubmitAsync(asMallory));
        await TheOriginalIsStillNewAsync(pay);
    }

    [Fact]
    public async Task a_co_signature_added_to_a_payment_is_refused_before_it_is_recorded_and_after_it_answers_the_first_outcome()
    {
        var pay = await PaymentAsync();
        var officer = fixture.Demo("officer-anouk");
        byte[] cosigned = [.. pay.Envelope[..pay.CommandLength], 2, .. pay.Envelope[(pay.CommandLength + 1)..], .. officer.Account.Span, .. officer.Key.PublicKey.Span, .. officer.Key.Sign(pay.Digest.Span)];
        byte[] countSaysTwo = [.. pay.Envelope[..pay.CommandLength], 2, .. pay.Envelope[(pay.CommandLength + 1)..]];

        Assert.Equal("signatures_do_not_fit", await SubmitAsync(cosigned));
        Assert.Equal("malformed_command", await SubmitAsync(countSaysTwo));
        var first = await TheOriginalIsStillNewAsync(pay);
        // Once recorded, the same command with any valid signature set is the same command: the first outcome, nothing new.
        var again = await _client.Ledger.SubmitCommandAsync(new SubmitCommandRequest { Envelope = ByteString.CopyFrom(cosigned) }, Answers.Options(null));
        Assert.True(again.Retry);
        Assert.Equal((first.Height, first.EntryHash), (again.Height, again.EntryHash));
    }

    [Fact]
    public async Task a_mint_above_the_threshold_with_its_co_signature_stripped_doubled_or_by_a_non_officer_is_refused_and_the_intact_one_is_then_minted_as_new()
    {
        var anouk = _client.As(fixture.Demo("officer-anouk"));
        var bas = fixture.Demo("officer-bas");
        var resident = fixture.Demo("joep");
        long threshold = (await _client.ChainInfoAsync()).MintCosignThresholdCents;
        var mint = anouk.Sign(new MintBudget(DemoCommunity.Budget, new Amount(threshold + 100)) { Header = await anouk.HeaderAsync() }, bas);
        byte[] stripped = [.. mint.Envelope[..mint.CommandLength], 1, .. mint.Envelope[(mint.CommandLength + 1)..(mint.CommandLength + 1 + 128)]];
        byte[] byResident = [.. mint.Envelope[..(mint.CommandLength + 1 + 128)], .. resident.Account.Span, .. resident.Key.PublicKey.Span, .. resident.Key.Sign(mint.Digest.Span)];
        byte[] twiceAnouk = [.. mint.Envelope[..(mint.CommandLength + 1 + 128)], .. mint.Envelope[(mint.CommandLength + 1)..(mint.CommandLength + 1 + 128)]];

        Assert.Equal("cosigner_required", await SubmitAsync(stripped));
        Assert.Equal("cosigner_invalid", await SubmitAsync(byResident));
        Assert.Equal("signatures_do_not_fit", await SubmitAsync(twiceAnouk));
        var minted = await _client.Ledger.SubmitCommandAsync(new SubmitCommandRequest { Envelope = ByteString.CopyFrom(mint.Envelope) }, Answers.Options(null));
        Assert.True(minted.Applied);
        Assert.False(minted.Retry);
    }

    [Fact]
    public async Task the_same_signed_payment_replayed_after_its_expiry_gets_its_first_outcome_and_moves_the_money_once()
    {
        var payer = _client.As(await EarnerAsync(500));
        var header = await payer.HeaderAsync();
        var pay = payer.Sign(new Pay(fixture.Demo("bakkerij-bollen").Account, new Amount(100), null) { Header = header with { ExpiresAtMs = _client.ServerNowMs + 5_000 } });
        var request = new SubmitCommandRequest { Envelope = ByteString.CopyFrom(pay.Envelope) };

        var first = await _client.Ledger.SubmitCommandAsync(request, Answers.Options(null));
        await Task.Delay(6_000); // past the expiry, with room for a slow first answer on a busy machine
        var late = await _client.Ledger.SubmitCommandAsync(request, Answers.Options(null));
        var fresh = payer.Sign(new Pay(fixture.Demo("bakkerij-bollen").Account, new Amount(100), null) { Header = header with { Id = CommandId.New(), ExpiresAtMs = _client.ServerNowMs - 1 } });

        Assert.True(first.Applied);
        Assert.True(late.Retry);
        Assert.Equal((first.Height, first.EntryHash), (late.Height, late.EntryHash));
        Assert.Equal("command_expired", await SubmitAsync(fresh.Envelope)); // a new command id past its expiry is refused
        var balance = await Earners.Eventually(() => payer.BalanceAsync(), b => b.AsOfHeight >= first.Height);
        Assert.Equal(400, balance.BalanceCents);
    }

    /// <summary>A signed payment of 1 HM by a resident who has earned 5 HM, not yet submitted.</summary>
    private async Task<SignedCommand> PaymentAsync(Wallet? payer = null)
    {
        payer ??= await EarnerAsync(500);
        var actor = _client.As(payer);
        return actor.Sign(new Pay(fixture.Demo("bakkerij-bollen").Account, new Amount(100), null) { Header = await actor.HeaderAsync() });
    }

    /// <summary>The untouched command is accepted as new (so no altered copy was recorded under its id), and the chain grew by exactly its entry.</summary>
    private async Task<SubmitCommandResponse> TheOriginalIsStillNewAsync(SignedCommand command)
    {
        long before = (await _client.ChainInfoAsync()).Height;
        var answer = await _client.Ledger.SubmitCommandAsync(new SubmitCommandRequest { Envelope = ByteString.CopyFrom(command.Envelope) }, Answers.Options(null));
        Assert.True(answer.Applied, answer.Outcome.Code);
        Assert.False(answer.Retry);
        Assert.True(answer.Height >= before);
        return answer;
    }

    private Task<string> SubmitAsync(byte[] envelope) =>
        Answers.OfAsync(() => _client.Ledger.SubmitCommandAsync(new SubmitCommandRequest { Envelope = ByteString.CopyFrom(envelope) }, Answers.Options(null)).ResponseAsync);

    private static byte[] With(SignedCommand command, int at, byte[] part)
    {
        byte[] copy = [.. command.Envelope];
        part.CopyTo(copy, at);
        return copy;
    }

    private static byte[] Flipped(byte[] envelope, int at, int bit)
    {
        byte[] copy = [.. envelope];
        copy[at] ^= (byte)(1 << bit);
        return copy;
    }

    private static BigInteger Number(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    private static byte[] Add(byte[] value, BigInteger addend) => Bytes((Number(value) + addend) % TwoTo256);

    /// <summary>A number below 2^256 as 32 bytes, big-endian.</summary>
    private static byte[] Bytes(BigInteger value)
    {
        byte[] raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[32 - raw.Length], .. raw];
    }

    private async Task<Wallet> EarnerAsync(long cents) => (await fixture.EarnerAsync(_client, cents)).Wallet;
}
