using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Sessions;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Server.Tests.Support;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.Edge;

/// <summary>
/// Input a client should never send: each gets a clear error with its reason code, and the server keeps answering
/// afterwards (every test ends by asking for the chain info).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputTests(ServerFixture fixture) : IDisposable
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);
    private readonly MuntClient _client = fixture.Client();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task garbage_instead_of_a_protobuf_is_refused_by_the_framework_without_a_crash()
    {
        byte[] garbage = [0x0F, 0xDE, 0xAD, 0xBE, 0xEF, 0xFF, 0xFF]; // field 1 with wire type 7, which does not exist
        Assert.Throws<InvalidProtocolBufferException>(() => SubmitCommandRequest.Parser.ParseFrom(garbage));
        using var channel = GrpcChannel.ForAddress(fixture.Server.GrpcUrl);
        var method = new Method<byte[], byte[]>(MethodType.Unary, "heerlen.munt.v1.Ledger", "SubmitCommand", Raw, Raw);

        var e = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(method, null, Answers.Options(null), garbage).ResponseAsync);

        // grpc-dotnet parses the request before any interceptor runs and answers a parse failure with UNKNOWN
        // ("Exception was thrown by handler."); other stacks say INTERNAL or INVALID_ARGUMENT. Any of them, without the
        // exception's text (detailed errors are off).
        Assert.Contains(e.StatusCode, new[] { StatusCode.Internal, StatusCode.InvalidArgument, StatusCode.Unknown });
        Assert.DoesNotContain("Protobuf", e.Status.Detail, StringComparison.OrdinalIgnoreCase);
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task a_protobuf_whose_envelope_is_garbage_is_malformed_command()
    {
        byte[] valid = OpenAccountOf(Wallet.Create(), await ChainIdAsync()).Envelope;

        Assert.Equal("malformed_command", await SubmitAsync([]));
        Assert.Equal("malformed_command", await SubmitAsync(valid[..(valid.Length / 2)]));
        Assert.Equal("malformed_command", await SubmitAsync([.. valid, 0x00]));
        Assert.Equal("unsupported_version", await SubmitAsync("not an envelope"u8.ToArray()));
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task a_message_over_64_kib_is_refused_with_resource_exhausted_and_an_envelope_over_1_kib_as_too_large()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _client.Ledger.SubmitCommandAsync(new SubmitCommandRequest { Envelope = ByteString.CopyFrom(new byte[70_000]) }, Answers.Options(null)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal("command_too_large", await SubmitAsync(new byte[SignedCommand.EnvelopeBytesMax + 1]));
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task a_photo_over_2_mib_is_refused_clearly()
    {
        var resident = _client.As(Wallet.Create());
        await resident.OpenAccountAsync();
        Task Upload(int bytes) => resident.ReadAsync(o => _client.People.UploadJobPhotoAsync(new UploadJobPhotoRequest { Account = resident.Account.ToString(), ContentType = "image/jpeg", Photo = ByteString.CopyFrom(new byte[bytes]) }, o));

        var justOver = await Assert.ThrowsAsync<MuntException>(() => Upload((2 * 1024 * 1024) + 1));
        var farOver = await Assert.ThrowsAsync<MuntException>(() => Upload(3 * 1024 * 1024));

        Assert.Equal(("photo_too_large", StatusCode.InvalidArgument), (justOver.Reason, justOver.Status));
        Assert.Equal(("message_too_large", StatusCode.ResourceExhausted), (farOver.Reason, farOver.Status));
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task an_unknown_command_type_byte_is_unknown_command_type()
    {
        string chain = await ChainIdAsync();
        var wallet = Wallet.Create();
        byte[] command = CommandCodec.Encode(new OpenAccount { Header = Header(chain, wallet.Account) });
        command[TypeOffset(chain)] = 99;

        Assert.Equal("unknown_command_type", await SubmitAsync(Envelope(command, wallet)));
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task a_rejection_with_an_unknown_reason_byte_is_malformed_command()
    {
        string chain = await ChainIdAsync();
        var officer = fixture.Demo("officer-anouk");
        byte[] command = CommandCodec.Encode(new RejectCompletion(JobId.New(), fixture.Demo("sanne").Account, CompletionRejectionReason.EvidenceUnclear) { Header = Header(chain, officer.Account) });
        command[^1] = 99; // the reason is the last byte; the codec reads only the five known reasons

        Assert.Equal("malformed_command", await SubmitAsync(Envelope(command, officer)));
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task listing_completions_with_an_unknown_status_is_invalid_argument()
    {
        var officer = _client.As(fixture.Demo("officer-anouk"));

        var e = await Assert.ThrowsAsync<MuntException>(() => officer.ReadAsync(o => _client.Jobs.ListCompletionsAsync(new ListCompletionsRequest { Status = "bogus" }, o)));

        Assert.Equal(("invalid_argument", StatusCode.InvalidArgument), (e.Reason, e.Status));
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task a_valid_signature_on_altered_bytes_is_bad_signature()
    {
        string chain = await ChainIdAsync();
        byte[] envelope = OpenAccountOf(Wallet.Create(), chain).Envelope;
        envelope[TypeOffset(chain) + 16] ^= 0x01; // the last byte of the command id: still a well-formed command, not the signed one

        Assert.Equal("bad_signature", await SubmitAsync(envelope));
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task a_replayed_command_gets_the_first_answer_again_and_moves_the_money_once()
    {
        var payer = await EarnerAsync(500);
        var pay = payer.Sign(new Pay(fixture.Demo("bakkerij-bollen").Account, new Amount(120), null) { Header = await payer.HeaderAsync() });
        var request = new SubmitCommandRequest { Envelope = ByteString.CopyFrom(pay.Envelope) };

        var first = await _client.Ledger.SubmitCommandAsync(request, Answers.Options(null));
        var second = await _client.Ledger.SubmitCommandAsync(request, Answers.Options(null));
        var balance = await Earners.Eventually(() => payer.BalanceAsync(), b => b.AsOfHeight >= first.Height);

        Assert.True(first.Applied);
        Assert.False(first.Retry);
        Assert.True(second.Retry);
        Assert.Equal((first.Height, first.EntryHash, first.Outcome.Code), (second.Height, second.EntryHash, second.Outcome.Code));
        Assert.Equal(500 - 120, balance.BalanceCents);
        var entries = await _client.As(fixture.Demo("cbs")).ReadAsync(o => _client.Ledger.ListEntriesAsync(new ListEntriesRequest { FromHeight = first.Height }, o));
        Assert.Single(entries.Entries, e => e.CommandId == pay.Command.Header.Id.ToString());
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task a_command_for_another_chain_is_wrong_chain_id_and_an_expired_one_command_expired()
    {
        string chain = await ChainIdAsync();
        var wallet = Wallet.Create();
        var elsewhere = SignedCommand.Create(new OpenAccount { Header = Header("heerlen-munt/elsewhere", wallet.Account) }, wallet.Key);
        var expired = SignedCommand.Create(new OpenAccount { Header = new CommandHeader(chain, CommandId.New(), wallet.Account, _client.ServerNowMs - 60_000) }, wallet.Key);

        Assert.Equal("wrong_chain_id", await SubmitAsync(elsewhere.Envelope));
        Assert.Equal("command_expired", await SubmitAsync(expired.Envelope));
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task a_session_that_is_expired_for_another_chain_forged_or_garbage_is_refused()
    {
        string chain = await ChainIdAsync();
        var els = fixture.Demo("els");
        long now = _client.ServerNowMs;
        var mallory = SigningKey.Generate();
        Task<string> BalanceWith(string session) => Answers.OfAsync(() => _client.Wallets.GetBalanceAsync(new GetBalanceRequest { Account = els.Account.ToString() }, Answers.OptionsWithHeader(session)).ResponseAsync);
        string Bearer(SessionToken token) => "Bearer " + token.ToText();

        Assert.Equal(Answers.Allowed, await BalanceWith(Bearer(SessionToken.Create(chain, els.Account, els.Key, now - 1000, TimeSpan.FromMinutes(5)))));
        Assert.Equal("session_expired", await BalanceWith(Bearer(SessionToken.Create(chain, els.Account, els.Key, now - 3_600_000, TimeSpan.FromMinutes(30)))));
        Assert.Equal("session_not_yet_valid", await BalanceWith(Bearer(SessionToken.Create(chain, els.Account, els.Key, now + 3_600_000, TimeSpan.FromMinutes(5)))));
        Assert.Equal("session_invalid", await BalanceWith(Bearer(SessionToken.Create("heerlen-munt/elsewhere", els.Account, els.Key, now - 1000, TimeSpan.FromMinutes(5)))));
        Assert.Equal("session_invalid", await BalanceWith("Bearer " + Forged(SessionToken.Create(chain, els.Account, mallory, now - 1000, TimeSpan.FromMinutes(5)), els.Key.PublicKey)));
        // A session signed by some other key that names that key: it proves that key, which is not this account's.
        Assert.Equal("session_key_not_current", await BalanceWith(Bearer(SessionToken.Create(chain, els.Account, mallory, now - 1000, TimeSpan.FromMinutes(5)))));
        foreach (string garbage in new[] { "Bearer hello", "Bearer hms1.", "Bearer hms1.***", "Basic dXNlcjpwYXNz", "Bearer hms1." + Convert.ToBase64String(new byte[200]).Replace('+', '-').Replace('/', '_').TrimEnd('='), new string('x', 4000) })
            Assert.Equal("session_invalid", await BalanceWith(garbage));
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task json_that_does_not_parse_or_an_envelope_that_is_not_base64_is_http_400_with_a_json_error()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Server.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };

        foreach (string body in new[] { "{ this is not json", "{\"envelope\": \"*** not base64 ***\"}", "[1, 2, 3]" })
        {
            using var response = await http.PostAsync("/v1/commands", new StringContent(body, Encoding.UTF8, "application/json"));
            string text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: HTTP {(int)response.StatusCode} {text}");
            using var error = JsonDocument.Parse(text);
            Assert.Equal((int)StatusCode.InvalidArgument, error.RootElement.GetProperty("code").GetInt32());
            Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("message").GetString()));
        }
        await TheServerStillAnswersAsync();
    }

    /// <summary>Where the command type byte is: after the version (1), the chain id's length (1) and the chain id.</summary>
    private static int TypeOffset(string chain) => 1 + 1 + Encoding.UTF8.GetByteCount(chain);

    private CommandHeader Header(string chain, AccountId actor) => new(chain, CommandId.New(), actor, _client.ServerNowMs + 300_000);

    private SignedCommand OpenAccountOf(Wallet wallet, string chain) => SignedCommand.Create(new OpenAccount { Header = Header(chain, wallet.Account) }, wallet.Key);

    /// <summary>An envelope around command bytes the codec would not write: the bytes, one signature by <paramref name="signer"/>.</summary>
    private static byte[] Envelope(byte[] command, Wallet signer)
    {
        byte[] signature = signer.Key.Sign(CommandCodec.SigningDigest(command).Span);
        return [.. command, 1, .. signer.Account.Span, .. signer.Key.PublicKey.Span, .. signature];
    }

    /// <summary>The session with its key field replaced by <paramref name="key"/>: the signature no longer fits the key it names.</summary>
    private static string Forged(SessionToken token, AccountId key)
    {
        string text = token.ToText()[SessionToken.TextPrefix.Length..].Replace('-', '+').Replace('_', '/');
        byte[] bytes = Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
        int keyAt = 1 + 1 + Encoding.UTF8.GetByteCount(token.ChainId) + AccountId.Size;
        key.Span.CopyTo(bytes.AsSpan(keyAt));
        return SessionToken.TextPrefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private async Task<string> ChainIdAsync() => (await _client.ChainInfoAsync()).ChainId;

    private Task<string> SubmitAsync(byte[] envelope) =>
        Answers.OfAsync(() => _client.Ledger.SubmitCommandAsync(new SubmitCommandRequest { Envelope = ByteString.CopyFrom(envelope) }, Answers.Options(null)).ResponseAsync);

    private async Task TheServerStillAnswersAsync()
    {
        var info = await _client.Ledger.GetChainInfoAsync(new GetChainInfoRequest(), Answers.Options(null));
        Assert.False(string.IsNullOrEmpty(info.ChainId));
        Assert.True(info.Height > 0);
    }

    private Task<MuntActor> EarnerAsync(long cents) => fixture.EarnerAsync(_client, cents);
}
