using Grpc.Core;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Tests.Support;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.Edge;

/// <summary>
/// One client flooding the server is slowed down while everyone else is served. Each test runs a server of its own
/// with tight limits, so the shared server's limits stay loose for the other tests.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class FloodTests(ServerFixture fixture)
{
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

    private static Wallet Demo(RunningServer server, string name) => Wallet.Restore(server.DemoKeys![name].Phrase);

    /// <summary>The call, once its first message arrived (so the server counts it as open).</summary>
    private static async Task<IDisposable> Opened<T>(AsyncServerStreamingCall<T> call)
    {
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the stream ended without a message");
        return call;
    }
}
