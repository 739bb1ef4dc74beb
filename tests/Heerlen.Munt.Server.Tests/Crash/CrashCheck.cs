using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Verify;
using Block = Heerlen.Munt.Ledger.Chain.Block;

namespace Heerlen.Munt.Server.Tests.Crash;

/// <summary>
/// The checks after the crashes, against the live server and the harness's own record: the whole chain verifies (the
/// auditor's <c>munt-verify</c>, and <see cref="ChainVerifier"/> over the entries read from the API); no command id is on
/// the chain twice; every acknowledged payment is there once, with the envelope sent, at the height and with the hash
/// and outcome it was told, and nothing the harness did not send; resending every acknowledged envelope gets the first
/// answer back; and every balance the API reports equals both the replayed chain and what the record says it must be.
/// </summary>
internal static class CrashCheck
{
    /// <summary>What was checked.</summary>
    /// <param name="Entries">Entries on the chain.</param>
    /// <param name="Retried">Acknowledged payments resent afterwards.</param>
    /// <param name="Balances">Balances compared.</param>
    public sealed record Result(long Entries, int Retried, int Balances);

    public static async Task<Result> RunAsync(MuntClient client, ServerPlace place, DemoAccount auditor, List<SentCommand> sent, Wallet[] residents, Wallet[] shops, long rewardCents)
    {
        Assert.All(sent, s => Assert.True(s.Refusal is null, $"payment {s.Command.Command.Header.Id} was refused: {s.Refusal}"));
        Assert.All(sent, s => Assert.True(s.Answer is not null, $"payment {s.Command.Command.Header.Id} never got an answer"));
        Assert.Contains(sent, s => s.Attempts > 1);

        await MuntVerifyAgreesAsync(place);
        var (entries, blocks) = await ReadChainAsync(place, auditor);
        var info = await client.ChainInfoAsync(refresh: true);
        ISchnorrVerifier verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
        var replay = ChainVerifier.Verify(info.ChainId, entries, blocks, verifier);
        Assert.True(replay.Ok, replay.ToString());

        EveryAcknowledgedPaymentIsOnTheChainOnceAsTold(info.ChainId, entries, sent, [.. residents.Select(r => r.Account)]);
        int retried = await ResendingGetsTheFirstAnswerAsync(client, sent);
        int balances = await BalancesMatchTheReplayAndTheRecordAsync(client, replay.State, sent, residents, shops, rewardCents);
        return new Result(entries.Count, retried, balances);
    }

    private static async Task MuntVerifyAgreesAsync(ServerPlace place)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await VerifyTool.RunAsync(["--server", place.GrpcUrl, "--as", "cbs", "--data", place.DataDirectory, "--no-state", "--json"], output, error, interactive: false);
        Assert.True(code == ExitCodes.Verified, $"munt-verify against the live server: exit {code}\n{output}\n{error}");
    }

    private static async Task<(List<byte[]> Entries, List<Block> Blocks)> ReadChainAsync(ServerPlace place, DemoAccount auditor)
    {
        using var source = await ServerSource.ConnectAsync(place.GrpcUrl, auditor.Key, AccountId.Parse(auditor.Account), CancellationToken.None);
        var entries = new List<byte[]>();
        var blocks = new List<Block>();
        await foreach (var record in source.ReadAsync(CancellationToken.None))
        {
            if (record.Entry is not null) entries.Add(record.Entry);
            if (record.Block is not null) blocks.Add(record.Block);
        }
        return (entries, blocks);
    }

    private static void EveryAcknowledgedPaymentIsOnTheChainOnceAsTold(string chainId, List<byte[]> encoded, List<SentCommand> sent, HashSet<AccountId> residents)
    {
        var onChain = new Dictionary<CommandId, List<(Entry Entry, SignedCommand Command)>>();
        for (int height = 0; height < encoded.Count; height++)
        {
            Assert.True(Entry.TryDecode(encoded[height], out var entry, out string problem), problem);
            var command = SignedCommand.Decode(entry!.Envelope, chainId).Command ?? throw new Xunit.Sdk.XunitException($"the command at height {height} does not decode");
            var id = command.Command.Header.Id;
            if (!onChain.TryGetValue(id, out var list)) onChain[id] = list = [];
            list.Add((entry, command));
        }
        var twice = onChain.Where(c => c.Value.Count > 1).Select(c => $"{c.Key} at {string.Join(", ", c.Value.Select(e => e.Entry.Height))}").ToList();
        Assert.True(twice.Count == 0, $"command ids on the chain more than once: {string.Join("; ", twice)}");

        foreach (var s in sent)
        {
            var id = s.Command.Command.Header.Id;
            var answer = s.Answer!;
            Assert.True(onChain.TryGetValue(id, out var found), $"acknowledged payment {id} (height {answer.Height}) is not on the chain");
            var (entry, command) = found![0];
            Assert.True(answer.Height == entry.Height, $"payment {id} was told height {answer.Height}, it is at {entry.Height}");
            Assert.True(string.Equals(answer.EntryHash, entry.Hash.ToHex(), StringComparison.OrdinalIgnoreCase), $"payment {id} was told entry hash {answer.EntryHash}, the entry's is {entry.Hash.ToHex()}");
            string outcome = entry.Outcome == RejectionCode.None ? "applied" : Rejections.Code(entry.Outcome);
            Assert.True(answer.Outcome == outcome, $"payment {id} was told {answer.Outcome}, the chain says {outcome}");
            Assert.True(command.Envelope.AsSpan().SequenceEqual(s.Command.Envelope), $"payment {id} is on the chain with other bytes than were sent");
        }

        // Nothing the harness did not send: every payment by its residents on the chain is in its record.
        var ours = sent.Select(s => s.Command.Command.Header.Id).ToHashSet();
        var strangers = onChain.Values.SelectMany(v => v)
            .Where(e => e.Command.Command is Pay && residents.Contains(e.Command.Command.Header.Actor) && !ours.Contains(e.Command.Command.Header.Id))
            .Select(e => e.Entry.Height).ToList();
        Assert.True(strangers.Count == 0, $"payments on the chain that the harness never sent: heights {string.Join(", ", strangers)}");
    }

    private static async Task<int> ResendingGetsTheFirstAnswerAsync(MuntClient client, List<SentCommand> sent)
    {
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(sent, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, ct) =>
        {
            var first = s.Answer!;
            Answer again;
            try
            {
                var submitted = await client.SubmitAsync(s.Command, ct);
                again = new Answer(submitted.Height, submitted.EntryHash, "applied", submitted.WasRetry);
            }
            catch (MuntRejectedException e)
            {
                again = new Answer(e.Height, e.EntryHash, e.Reason, true);
            }
            if (again.Height != first.Height || !string.Equals(again.EntryHash, first.EntryHash, StringComparison.OrdinalIgnoreCase) || again.Outcome != first.Outcome || !again.WasRetry)
                mismatches.Add($"{s.Command.Command.Header.Id}: first {first}, resent {again}");
        });
        Assert.True(mismatches.IsEmpty, $"resending gave another answer than the first:\n{string.Join('\n', mismatches.Take(20))}");
        return sent.Count;
    }

    private static async Task<int> BalancesMatchTheReplayAndTheRecordAsync(MuntClient client, LedgerState replayed, List<SentCommand> sent, Wallet[] residents, Wallet[] shops, long rewardCents)
    {
        var expected = residents.ToDictionary(r => r.Account, _ => rewardCents);
        foreach (var shop in shops) expected[shop.Account] = 0;
        foreach (var s in sent.Where(s => s.Answer!.Outcome == "applied"))
        {
            var pay = (Pay)s.Command.Command;
            expected[pay.Header.Actor] -= pay.Amount.Cents;
            expected[pay.Merchant] += pay.Amount.Cents;
        }
        foreach (var wallet in residents.Concat(shops))
        {
            long api = (await client.As(wallet).BalanceAsync()).BalanceCents;
            long replay = replayed.BalanceOf(wallet.Account).Cents;
            Assert.True(api == replay && replay == expected[wallet.Account],
                $"balance of {wallet.Account}: the API says {api}, a replay of the chain {replay}, the harness's record {expected[wallet.Account]}");
        }
        return expected.Count;
    }
}
