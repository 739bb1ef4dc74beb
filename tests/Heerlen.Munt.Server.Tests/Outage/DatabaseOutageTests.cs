using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Tests.Support;

namespace Heerlen.Munt.Server.Tests.Outage;

/// <summary>
/// PostgreSQL goes away under a running server and comes back: callers get a clear, retryable error meanwhile, and
/// afterwards the sequencer reloads the chain and the server's in-memory view (Merkle tree, accounts, payments)
/// follows the reloaded chain exactly — proofs still verify, sessions still work.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class DatabaseOutageTests(ServerFixture fixture)
{
    [Fact]
    public async Task after_postgresql_stops_and_starts_again_the_server_goes_on_and_its_proofs_still_verify()
    {
        var server = await fixture.StartServerAsync("outage");
        using var client = ServerFixture.ClientOf(server, "en");
        var info = await client.ChainInfoAsync();
        var operatorKey = Receipts.OperatorKey(info.OperatorKey);
        var officer = client.As(ServerFixture.Demo(server, "officer-anouk"));
        var resident = client.As(Client.Wallet.Create());
        await resident.OpenAccountAsync();

        try
        {
            await fixture.Cluster.StopAsync(immediate: true);
            var during = await Assert.ThrowsAsync<MuntException>(() => officer.MintBudgetAsync("storing", Amount.FromEuros(1)));
            Assert.True(during.IsTransient, during.ToString());
            Assert.NotNull(during.Unsettled);
            Assert.Contains(during.Reason, new[] { "database_unavailable", "outcome_unknown", "storage_error" });

            await fixture.Cluster.RestartAsync();
            // The command whose fate was unknown is sent again as it was: stored once.
            var resent = await client.SubmitAsync(during.Unsettled!);
            var again = await client.SubmitAsync(during.Unsettled!);
            Assert.Equal(resent.Height, again.Height);
            Assert.True(again.WasRetry);
        }
        finally
        {
            if (!fixture.Cluster.IsRunning) await fixture.Cluster.RestartAsync();
        }

        var after = await officer.MintBudgetAsync("storing", Amount.FromEuros(2));
        Assert.Equal((await client.ChainInfoAsync(refresh: true)).Height, after.Height + 1);
        Assert.Equal(0, (await resident.BalanceAsync()).BalanceCents); // the session still works after the reload

        // A checkpoint that covers the new entry; its inclusion proof and the consistency with the first one verify.
        Checkpoint checkpoint;
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((checkpoint = await client.Audit.GetCheckpointAsync(new GetCheckpointRequest())).TreeSize <= after.Height)
        {
            Assert.True(DateTime.UtcNow < until, "no checkpoint after the outage");
            await Task.Delay(50);
        }
        var proof = await client.Audit.GetInclusionProofAsync(new GetInclusionProofRequest { Height = after.Height, TreeSize = checkpoint.TreeSize });
        Assert.True(Receipts.EntryIsIncluded(proof, after.EntryHash, operatorKey));
        var consistency = await client.Audit.GetConsistencyProofAsync(new GetConsistencyProofRequest { OldSize = info.LatestCheckpoint.TreeSize, NewSize = checkpoint.TreeSize });
        Assert.True(Receipts.CheckpointsAreConsistent(consistency, operatorKey));
        await fixture.StopAsync(server);
    }
}
