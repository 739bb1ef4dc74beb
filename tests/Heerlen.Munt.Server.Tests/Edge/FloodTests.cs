using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Tests.Support;
using Xunit.Abstractions;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.Edge;

/// <summary>
/// One client flooding the server is slowed down while everyone else is served. Each test runs a server of its own
/// with tight limits, so the shared server's limits stay loose for the other tests.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class FloodTests(ServerFixture fixture, ITestOutputHelper output)
{
    private static readonly System.Net.IPAddress Honest = FromAddress.Loopback(7);

    [Fact]
    public async Task one_account_firing_200_calls_is_mostly_rate_limited_while_another_account_is_served()
    {
        var server = await fixture.StartServerAsync("flood", new Dictionary<string, string?>
        {
            ["Munt:Limits:PerKeyPerSecond"] = "5",
            ["Munt:Limits:PerKeyBurst"] = "10",
        });
        try
        {
            using var client = ServerFixture.ClientOf(server);
            var flooder = client.As(Demo(server, "sanne"));
            var neighbour = client.As(Demo(server, "mohammed"));
            await flooder.SessionAsync();
            await neighbour.SessionAsync();

            var flood = Enumerable.Range(0, 200).Select(_ => Answers.OfAsync(() => flooder.BalanceAsync())).ToList();
            var calm = new List<string>();
            for (int i = 0; i < 5; i++) calm.Add(await Answers.OfAsync(() => neighbour.BalanceAsync()));
            var flooded = await Task.WhenAll(flood);

            // The bucket holds 10 and refills 5 a second: however fast this machine is, at most a few dozen get through.
            Assert.True(flooded.Count(a => a == "rate_limited") >= 100, $"rate limited: {flooded.Count(a => a == "rate_limited")} of 200");
            Assert.All(flooded, a => Assert.Contains(a, new[] { Answers.Allowed, "rate_limited" }));
            Assert.All(calm, a => Assert.Equal(Answers.Allowed, a));
        }
        finally
        {
            await fixture.StopAsync(server);
        }
    }

    [Fact]
    public async Task the_fourth_open_stream_from_one_address_is_refused_until_one_closes()
    {
        var server = await fixture.StartServerAsync("streams", new Dictionary<string, string?> { ["Munt:Limits:StreamsPerAddress"] = "3" });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var open = new List<IDisposable>();
        try
        {
            using var client = ServerFixture.ClientOf(server);
            var shop = client.As(Demo(server, "bakkerij-bollen"));
            var auditor = client.As(Demo(server, "cbs"));
            string code = (await shop.RequestPaymentAsync(new Amount(500), 3600)).ShortCode;
            var shopSession = (await shop.SessionAsync()).ToText();
            var auditorSession = (await auditor.SessionAsync()).ToText();
            AsyncServerStreamingCall<PaymentRequest> Watch() => client.Merchants.WatchPaymentRequest(new GetPaymentRequestRequest { Code = code }, Answers.OptionsWithHeader("Bearer " + shopSession, stop.Token).WithDeadline(DateTime.UtcNow.AddSeconds(60)));
            AsyncServerStreamingCall<Entry> Entries() => client.Ledger.StreamEntries(new StreamEntriesRequest { FromHeight = 0 }, Answers.OptionsWithHeader("Bearer " + auditorSession, stop.Token).WithDeadline(DateTime.UtcNow.AddSeconds(60)));

            foreach (var call in new IDisposable[] { await Opened(Watch()), await Opened(Watch()), await Opened(Entries()) }) open.Add(call);

            Assert.Equal("rate_limited", await Answers.OfAsync(() => Answers.FirstAsync(Watch())));
            Assert.Equal("rate_limited", await Answers.OfAsync(() => Answers.FirstAsync(Entries())));

            // Closing one frees its place (the server notices the cancellation a moment later).
            open[0].Dispose();
            string answer = "";
            for (var until = DateTime.UtcNow.AddSeconds(20); answer != Answers.Allowed && DateTime.UtcNow < until; await Task.Delay(50))
                answer = await Answers.OfAsync(() => Answers.FirstAsync(Entries()));
            Assert.Equal(Answers.Allowed, answer);
        }
        finally
        {
            foreach (var call in open) call.Dispose();
            await fixture.StopAsync(server);
        }
    }

    [Fact]
    public async Task one_address_flooding_every_kind_of_call_is_mostly_refused_while_another_address_is_served()
    {
        var server = await fixture.StartServerAsync("floodaddress", new Dictionary<string, string?>
        {
            ["Munt:Limits:PerAddressPerSecond"] = "50",
            ["Munt:Limits:PerAddressBurst"] = "100",
            ["Munt:Limits:SubmitsPerAddressPerSecond"] = "10",
            ["Munt:Limits:SubmitsPerAddressBurst"] = "20",
        });
        try
        {
            string session = "Bearer " + await SessionTextAsync(server, "sanne");
            string account = Demo(server, "sanne").Account.ToString();
            // A well-formed command whose signature's last byte is flipped: each one costs the server a signature check.
            var wallet = Wallet.Create();
            byte[] envelope = SignedCommand.Create(new OpenAccount { Header = new CommandHeader(server.Runtime.Chain.ChainId, CommandId.New(), wallet.Account, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds()) }, wallet.Key).Envelope;
            envelope[^1] ^= 0x01;
            var forged = new SubmitCommandRequest { Envelope = ByteString.CopyFrom(envelope) };
            using var attackerChannel = FromAddress.Channel(server.GrpcUrl, FromAddress.Loopback(66));
            var attacker = new Clients(attackerChannel);
            Func<Task>[] calls =
            [
                () => attacker.Ledger.GetChainInfoAsync(new GetChainInfoRequest(), Answers.Options(null)).ResponseAsync,
                () => attacker.Jobs.ListJobsAsync(new ListJobsRequest { PageSize = 500 }, Answers.Options(null)).ResponseAsync,
                () => attacker.Wallets.GetBalanceAsync(new GetBalanceRequest { Account = account }, Answers.OptionsWithHeader(session)).ResponseAsync,
                () => attacker.Ledger.SubmitCommandAsync(forged, Answers.Options(null)).ResponseAsync,
            ];

            var calm = await HonestAsync(server, 60, Task.CompletedTask);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
            var flood = Task.WhenAll(Enumerable.Range(0, 8).Select(i => FloodAsync(calls[i % calls.Length], stop.Token)));
            var flooded = await HonestAsync(server, 60, flood);
            var answers = (await flood).SelectMany(a => a).ToList();

            output.WriteLine($"flood from one address, 8 loops for 4 s: {answers.Count} calls ({answers.Count / 4} a second), {Share(answers, "rate_limited")} rate_limited, {Share(answers, Answers.Allowed)} allowed, {Share(answers, "bad_signature")} bad_signature");
            output.WriteLine($"honest client on another address, no flood: {calm}; during the flood: {flooded}; ratio p50 {flooded.P(50) / calm.P(50):0.0}x, p99 {flooded.P(99) / calm.P(99):0.0}x");
            Assert.All(flooded.Answers, a => Assert.Equal(Answers.Allowed, a));
            Assert.True(answers.Count(a => a == "rate_limited") > answers.Count / 2, $"rate limited: {answers.Count(a => a == "rate_limited")} of {answers.Count}");
            Assert.All(answers, a => Assert.Contains(a, new[] { Answers.Allowed, "rate_limited", "bad_signature" }));
        }
        finally
        {
            await fixture.StopAsync(server);
        }
    }

    [Fact]
    public async Task one_account_flooding_from_three_addresses_is_held_by_its_account_bucket_while_another_account_is_served()
    {
        var server = await fixture.StartServerAsync("floodkey", new Dictionary<string, string?>
        {
            ["Munt:Limits:PerKeyPerSecond"] = "5",
            ["Munt:Limits:PerKeyBurst"] = "10",
        });
        try
        {
            string session = "Bearer " + await SessionTextAsync(server, "sanne");
            string account = Demo(server, "sanne").Account.ToString();
            var channels = new byte[] { 66, 67, 68 }.Select(a => FromAddress.Channel(server.GrpcUrl, FromAddress.Loopback(a))).ToList();
            var clock = Stopwatch.StartNew();
            var flood = Task.WhenAll(channels.SelectMany(c => Enumerable.Range(0, 100).Select(_ =>
                Answers.OfAsync(() => new Contracts.V1.Wallet.WalletClient(c).GetBalanceAsync(new GetBalanceRequest { Account = account }, Answers.OptionsWithHeader(session)).ResponseAsync))));
            var honest = await HonestAsync(server, 20, flood, "mohammed");
            var answers = await flood;
            var took = clock.Elapsed;
            foreach (var channel in channels) channel.Dispose();

            int allowed = answers.Count(a => a == Answers.Allowed);
            output.WriteLine($"one account, 300 calls from 3 addresses in {took.TotalSeconds:0.0} s: {allowed} allowed (bucket: 10 + 5 a second), {answers.Count(a => a == "rate_limited")} rate_limited; another account meanwhile: {honest}");
            Assert.All(honest.Answers, a => Assert.Equal(Answers.Allowed, a));
            Assert.All(answers, a => Assert.Contains(a, new[] { Answers.Allowed, "rate_limited" }));
            Assert.True(allowed <= 10 + (5 * (took.TotalSeconds + 1)), $"allowed {allowed} in {took.TotalSeconds:0.0} s");
        }
        finally
        {
            await fixture.StopAsync(server);
        }
    }

    [Fact]
    public async Task a_throttled_call_says_rate_limited_in_dutch_or_english_with_a_retry_hint_on_grpc_and_json()
    {
        var server = await fixture.StartServerAsync("floodhint", new Dictionary<string, string?>
        {
            ["Munt:Limits:PerKeyPerSecond"] = "1",
            ["Munt:Limits:PerKeyBurst"] = "2",
        });
        try
        {
            string session = "Bearer " + await SessionTextAsync(server, "sanne");
            string account = Demo(server, "sanne").Account.ToString();
            using var client = ServerFixture.ClientOf(server);
            async Task<RpcException> Throttled(string language)
            {
                var headers = new Metadata { { "accept-language", language }, { "authorization", session } };
                for (int i = 0; i < 20; i++)
                {
                    try
                    {
                        await client.Wallets.GetBalanceAsync(new GetBalanceRequest { Account = account }, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)));
                    }
                    catch (RpcException e)
                    {
                        return e;
                    }
                }
                throw new InvalidOperationException("20 calls in a row were all served");
            }

            foreach (var (language, words) in new[] { ("nl", "Te veel verzoeken"), ("en", "Too many requests") })
            {
                var throttled = await Throttled(language);
                var status = throttled.GetRpcStatus()!;
                Assert.True(MuntException.From(throttled).RetryAfter >= TimeSpan.FromSeconds(1), "the SDK does not read the retry hint");
                Assert.Equal((int)StatusCode.ResourceExhausted, status.Code);
                Assert.Equal("rate_limited", status.GetDetail<ErrorInfo>()!.Reason);
                Assert.StartsWith(words, status.GetDetail<LocalizedMessage>()!.Message, StringComparison.Ordinal);
                Assert.InRange(status.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            }

            using var http = FromAddress.Http(server.HttpUrl, Honest);
            HttpResponseMessage? refused = null;
            for (int i = 0; i < 20 && refused is null; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/accounts/{account}/balance");
                request.Headers.TryAddWithoutValidation("authorization", session);
                var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
                else response.Dispose();
            }
            Assert.NotNull(refused);
            using (refused)
            {
                Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
                string body = await refused.Content.ReadAsStringAsync();
                Assert.Contains("rate_limited", body, StringComparison.Ordinal);
                Assert.Contains("google.rpc.RetryInfo", body, StringComparison.Ordinal);
                output.WriteLine($"JSON: HTTP 429, Retry-After {refused.Headers.RetryAfter}, {body}");
            }
        }
        finally
        {
            await fixture.StopAsync(server);
        }
    }

    private static Wallet Demo(RunningServer server, string name) => Wallet.Restore(server.DemoKeys![name].Phrase);

    private static async Task<string> SessionTextAsync(RunningServer server, string name)
    {
        using var client = ServerFixture.ClientOf(server);
        return (await client.As(Demo(server, name)).SessionAsync()).ToText();
    }

    /// <summary>One attacker loop: the same call as fast as it is answered until <paramref name="ct"/> fires.</summary>
    private static async Task<List<string>> FloodAsync(Func<Task> call, CancellationToken ct)
    {
        var answers = new List<string>();
        while (!ct.IsCancellationRequested) answers.Add(await Answers.OfAsync(call));
        return answers;
    }

    /// <summary>
    /// An honest resident on another address: balance, job board, chain info, one after another with a short pause,
    /// <paramref name="calls"/> in all (and on until <paramref name="during"/> ends).
    /// </summary>
    private static async Task<Run> HonestAsync(RunningServer server, int calls, Task during, string name = "mohammed")
    {
        string session = "Bearer " + await SessionTextAsync(server, name);
        string account = Demo(server, name).Account.ToString();
        using var channel = FromAddress.Channel(server.GrpcUrl, Honest);
        var honest = new Clients(channel);
        var run = new Run([], []);
        for (int i = 0; i < calls || (!during.IsCompleted && i < 10 * calls); i++)
        {
            var one = Stopwatch.StartNew();
            run.Answers.Add(await Answers.OfAsync(() => (i % 3) switch
            {
                0 => honest.Wallets.GetBalanceAsync(new GetBalanceRequest { Account = account }, Answers.OptionsWithHeader(session)).ResponseAsync,
                1 => honest.Jobs.ListJobsAsync(new ListJobsRequest(), Answers.Options(null)).ResponseAsync,
                _ => (Task)honest.Ledger.GetChainInfoAsync(new GetChainInfoRequest(), Answers.Options(null)).ResponseAsync,
            }));
            run.TookMs.Add(one.Elapsed.TotalMilliseconds);
            await Task.Delay(30); // a busy person, not a flood: about 30 calls a second, within the address's 50
        }
        return run;
    }

    private static string Share(List<string> answers, string answer) => $"{100.0 * answers.Count(a => a == answer) / Math.Max(1, answers.Count):0.0}%";

    private sealed class Clients(Grpc.Net.Client.GrpcChannel channel)
    {
        public Contracts.V1.Ledger.LedgerClient Ledger { get; } = new(channel);

        public Contracts.V1.Wallet.WalletClient Wallets { get; } = new(channel);

        public Jobs.JobsClient Jobs { get; } = new(channel);
    }

    /// <summary>What an honest client saw: its answers and how long each took (ms).</summary>
    private sealed record Run(List<string> Answers, List<double> TookMs)
    {
        public double P(int percentile)
        {
            var sorted = TookMs.Order().ToList();
            return sorted[Math.Min(sorted.Count - 1, sorted.Count * percentile / 100)];
        }

        public override string ToString() =>
            $"{Answers.Count(a => a == Support.Answers.Allowed)} of {Answers.Count} served, p50 {P(50):0.0} ms, p99 {P(99):0.0} ms";
    }

    /// <summary>The call, once its first message arrived (so the server counts it as open).</summary>
    private static async Task<IDisposable> Opened<T>(AsyncServerStreamingCall<T> call)
    {
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the stream ended without a message");
        return call;
    }
}
