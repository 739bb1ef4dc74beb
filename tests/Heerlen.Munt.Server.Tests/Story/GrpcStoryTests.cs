using Grpc.Core;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Tests.Support;

namespace Heerlen.Munt.Server.Tests.Story;

/// <summary>
/// The whole story over real gRPC (HTTP/2 on a loopback port) against the real server on real PostgreSQL, through
/// the client SDK only: mint, publish in GMS, enrol, complete with a photo, approve, pay a shop through a payment
/// request, refund part, redeem, settle; then the auditor streams the chain, verifies it, a checkpoint, an inclusion
/// proof and a consistency proof.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class GrpcStoryTests(ServerFixture fixture)
{
    [Fact]
    public async Task the_whole_story_works_end_to_end_and_the_auditor_can_check_every_step()
    {
        using var client = fixture.Client("nl");
        var info = await client.ChainInfoAsync();
        var operatorKey = Receipts.OperatorKey(info.OperatorKey);
        var anouk = client.As(fixture.Demo("officer-anouk"));
        var bas = client.As(fixture.Demo("officer-bas"));
        var shop = client.As(fixture.Demo("fietsenmaker-fons"));
        var auditor = client.As(fixture.Demo("cbs"));
        var resident = client.As(Client.Wallet.Create());
        long shopBalanceBefore = (await shop.BalanceAsync()).BalanceCents;
        var firstCheckpoint = await WaitForCheckpointAsync(client, 1);

        // The municipality mints a budget and publishes a job in GMS.
        await anouk.MintBudgetAsync("verhaal-grpc", Amount.FromEuros(200));
        var (job, _) = await anouk.PublishJobAsync("verhaal-grpc", "zwerfafval", "gms", Amount.FromEuros(15), 1, DateTimeOffset.UtcNow.AddDays(7));
        var board = await client.Jobs.ListJobsAsync(new ListJobsRequest { Neighbourhood = "gms" });
        Assert.Contains(board.Jobs, j => j.Job_ == job.ToString() && j.FreeSlots == 1 && j.RewardCents == 1500);

        // A new resident opens an account, enrols, and reports the work done with a photo.
        await resident.OpenAccountAsync();
        await resident.EnrolAsync(job);
        byte[] photo = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
        await resident.SubmitCompletionAsync(job, photo);
        var mine = await resident.MyJobsAsync();
        Assert.Equal("submitted", Assert.Single(mine.Work, w => w.Job == job.ToString()).Status);

        // The other officer sees it waiting, looks at the photo, and approves: the reward is paid.
        var waiting = await bas.ReadAsync(o => client.Jobs.ListCompletionsAsync(new ListCompletionsRequest(), o));
        var work = Assert.Single(waiting.Work, w => w.Job == job.ToString());
        Assert.Equal(resident.Account.ToString(), work.Worker);
        var seen = await bas.ReadAsync(o => client.People.GetJobPhotoAsync(new GetJobPhotoRequest { Account = work.Worker, EvidenceHash = work.EvidenceHash }, o));
        Assert.Equal(photo, seen.Photo.ToByteArray());
        await bas.ApproveAsync(job, resident.Account);
        Assert.Equal(1500, (await resident.BalanceAsync()).BalanceCents);

        // The shop asks for HM 10,00; the resident types the short code and pays; the till sees it paid, streamed.
        var request = await shop.RequestPaymentAsync(Amount.FromEuros(10));
        Assert.Equal(8, request.ShortCode.Length);
        Assert.StartsWith("heerlenmunt:pay?", request.QrPayload);
        var watching = shop.WaitForPaymentAsync(request.Id);
        var (_, payment) = await resident.PayRequestAsync(request.ShortCode.ToLowerInvariant());
        var paid = await watching.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("paid", paid.Status);
        Assert.Equal(resident.Account.ToString(), paid.PaidBy);
        Assert.Equal(payment.Height, paid.PaidHeight);

        // The shop refunds HM 2,50 of it, and hands the rest in for euros; an officer records the bank transfer.
        var paymentId = CommandId.Parse(paid.PaidCommandId);
        await shop.RefundAsync(resident.Account, paymentId, new Amount(250));
        Assert.Equal(1500 - 1000 + 250, (await resident.BalanceAsync()).BalanceCents);
        var (redemption, _) = await shop.RedeemAsync(new Amount(750));
        Assert.Equal(shopBalanceBefore + 1000 - 250 - 750, (await shop.BalanceAsync()).BalanceCents);
        var settled = await anouk.SettleRedemptionAsync(shop.Account, redemption, "HM-VERHAAL-1");
        var redemptions = await shop.ReadAsync(o => client.Merchants.ListRedemptionsAsync(new ListRedemptionsRequest { Merchant = shop.Account.ToString() }, o));
        Assert.Contains(redemptions.Redemptions, r => r.Id == redemption.ToString() && r.Settled && r.BankReference == "HM-VERHAAL-1" && r.AmountCents == 750);
        var statement = await shop.ReadAsync(o => client.Merchants.GetStatementAsync(new GetStatementRequest { Merchant = shop.Account.ToString() }, o));
        Assert.True(statement.ReceivedCents >= 1000 && statement.RefundedCents >= 250 && statement.RedeemedCents >= 750);

        // The auditor streams the chain from the start up to the settlement, and checks every link and signature.
        var session = await auditor.SessionAsync();
        var encoded = new List<byte[]>();
        using (var stream = client.Ledger.StreamEntries(new StreamEntriesRequest { FromHeight = 0 }, client.CallOptionsFor(session, default, TimeSpan.FromSeconds(30))))
        {
            await foreach (var entry in stream.ResponseStream.ReadAllAsync())
            {
                Assert.Equal(encoded.Count, entry.Height);
                encoded.Add(entry.Encoded.ToByteArray());
                if (entry.Height == settled.Height) break;
            }
        }
        var report = ChainVerifier.Verify(info.ChainId, encoded, [], ManagedSchnorrVerifier.Instance);
        Assert.True(report.Ok, report.ToString());

        // A signed checkpoint that covers the payment; the payment's inclusion proof; and that it extends the first one.
        var checkpoint = await WaitForCheckpointAsync(client, settled.Height + 1);
        Assert.True(Receipts.CheckpointIsSigned(checkpoint, operatorKey));
        Assert.True(Receipts.NoteIsSigned(checkpoint, info.ChainId, operatorKey));
        Assert.False(Receipts.NoteIsSigned(checkpoint, info.ChainId, Receipts.OperatorKey(Convert.ToHexStringLower(SigningKey.Generate().PublicKey.Span))));
        var proof = await client.Audit.GetInclusionProofAsync(new GetInclusionProofRequest { Height = payment.Height, TreeSize = checkpoint.TreeSize });
        Assert.True(Receipts.EntryIsIncluded(proof, payment.EntryHash, operatorKey));
        Assert.False(Receipts.EntryIsIncluded(proof, settled.EntryHash, operatorKey)); // another entry's hash does not fit the path
        var consistency = await client.Audit.GetConsistencyProofAsync(new GetConsistencyProofRequest { OldSize = firstCheckpoint.TreeSize, NewSize = checkpoint.TreeSize });
        Assert.True(Receipts.CheckpointsAreConsistent(consistency, operatorKey));

        // The resident's history says it in words.
        await fixture.Server.Runtime.Daemon.CatchUpAsync(TimeSpan.FromSeconds(30));
        var history = await resident.HistoryAsync();
        Assert.True(history.AsOfHeight > settled.Height, $"history folded up to {history.AsOfHeight}");
        Assert.Contains(history.Lines, l => l.Description.StartsWith("Je kreeg HM 15,00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_recorded_rejection_comes_back_as_a_typed_error_in_the_language_asked_for()
    {
        using var client = fixture.Client("en");
        var resident = client.As(Client.Wallet.Create());
        await resident.OpenAccountAsync();
        var rejected = await Assert.ThrowsAsync<MuntRejectedException>(() => resident.PayAsync(fixture.Demo("bakkerij-bollen").Account, Amount.FromEuros(5)));
        Assert.Equal("insufficient_funds", rejected.Reason);
        Assert.Equal("You do not have enough Heerlen Munt.", rejected.LocalizedMessage);
        Assert.True(rejected.Height > 0);

        using var dutch = fixture.Client("nl");
        var again = await Assert.ThrowsAsync<MuntRejectedException>(() => dutch.As(resident.Wallet).PayAsync(fixture.Demo("bakkerij-bollen").Account, Amount.FromEuros(5)));
        Assert.Equal("U heeft niet genoeg Heerlen Munt.", again.LocalizedMessage);
    }

    [Fact]
    public async Task a_retry_of_the_same_signed_command_answers_with_the_first_outcome_and_pays_once()
    {
        using var client = fixture.Client();
        var officer = client.As(fixture.Demo("officer-anouk"));
        var command = officer.Sign(new MintBudget("herhaling", Amount.FromEuros(3)) { Header = await officer.HeaderAsync() });
        var first = await client.SubmitAsync(command);
        var second = await client.SubmitAsync(command);
        Assert.False(first.WasRetry);
        Assert.True(second.WasRetry);
        Assert.Equal(first.Height, second.Height);
        Assert.Equal(first.EntryHash, second.EntryHash);
    }

    [Fact]
    public async Task health_and_reflection_answer()
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(fixture.Server.GrpcUrl);
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        var status = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, status.Status);

        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("heerlen.munt.v1.Ledger", services);
        Assert.Contains("heerlen.munt.v1.Merchants", services);
    }

    private static async Task<Checkpoint> WaitForCheckpointAsync(MuntClient client, long treeSizeAtLeast)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                var checkpoint = await client.Audit.GetCheckpointAsync(new GetCheckpointRequest());
                if (checkpoint.TreeSize >= treeSizeAtLeast) return checkpoint;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                // no block sealed yet
            }
            if (DateTime.UtcNow > until) throw new TimeoutException($"no checkpoint of {treeSizeAtLeast} entries within 30 s");
            await Task.Delay(50);
        }
    }
}
