using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Properties;

public class When_random_valid_and_invalid_commands_arrive
{
    [Property(MaxTest = 60, EndSize = 120)]
    public Property every_invariant_holds_after_every_step_and_a_rejected_command_changes_nothing() =>
        Prop.ForAll(RandomScript.Scripts, steps =>
        {
            var script = new RandomScript();
            foreach (var step in steps)
            {
                string before = Fingerprint.Of(script.State);
                long heightBefore = script.State.NextHeight;
                var result = script.Play(step);
                if (!result.Applied || result.IsRetry)
                {
                    if (Fingerprint.Of(script.State) != before) return false.Label($"{step} changed the state but was {Rejections.Code(result.Code)}");
                    bool recorded = !result.IsRetry && !Rejections.IsRefusal(result.Code);
                    if (script.State.NextHeight != heightBefore + (recorded ? 1 : 0)) return false.Label($"{step}: height moved wrongly");
                }
                script.State.CheckInvariants();
            }
            return true.Label("ok");
        });

    [Property(MaxTest = 40, EndSize = 120)]
    public Property replaying_the_chain_rebuilds_exactly_the_same_state() =>
        Prop.ForAll(RandomScript.Scripts, steps =>
        {
            var script = new RandomScript();
            foreach (var step in steps) script.Play(step);
            script.Community.Engine.SealBlock(script.Community.NowMs);
            var report = script.Community.Verify(NativeSchnorrVerifier.Instance);
            return (report.Ok && Fingerprint.Of(report.State) == Fingerprint.Of(script.State)).Label(report.ToString());
        });

    [Property(MaxTest = 40, EndSize = 120)]
    public Property every_recorded_command_and_entry_round_trips_through_its_encoding() =>
        Prop.ForAll(RandomScript.Scripts, steps =>
        {
            var script = new RandomScript();
            foreach (var step in steps) script.Play(step);
            foreach (var entry in script.Community.Engine.Entries)
            {
                var signed = SignedCommand.Decode(entry.Envelope, Community.ChainId).Command!;
                if (!CommandCodec.Encode(signed.Command).AsSpan().SequenceEqual(entry.Envelope.AsSpan(0, signed.CommandLength))) return false;
                if (!Entry.TryDecode(entry.Encode(), out var back, out _) || back!.Hash != entry.Hash) return false;
            }
            return true;
        });
}

public class When_someone_tampers_with_a_stored_chain
{
    private static (Community Community, List<byte[]> Entries) SealedChain(int extra)
    {
        var c = new Community(verifier: NativeSchnorrVerifier.Instance);
        var shop = c.NewMerchant();
        var resident = c.NewEarner(20);
        for (int i = 0; i < extra; i++)
            Community.Ok(c.Submit(new Pay(shop.PublicKey, new Heerlen.Munt.Ledger.Money.Amount(10 + i), null) { Header = c.Header(resident) }, resident));
        c.Engine.SealBlock(c.NowMs);
        return (c, c.Engine.Entries.Select(e => e.Encode()).ToList());
    }

    private static VerificationReport Verify(Community c, IEnumerable<byte[]> entries) =>
        ChainVerifier.Verify(Community.ChainId, entries, c.Engine.Blocks, NativeSchnorrVerifier.Instance);

    private static readonly Arbitrary<(int Extra, int Entry, int Byte, int Bit)> Flips =
        (from extra in Gen.Choose(0, 6)
         from entry in Gen.Choose(0, 1000)
         from b in Gen.Choose(0, 100_000)
         from bit in Gen.Choose(0, 7)
         select (extra, entry, b, bit)).ToArbitrary();

    [Property(MaxTest = 150)]
    public Property flipping_any_bit_of_any_entry_is_found_at_that_height() =>
        Prop.ForAll(Flips, f =>
        {
            var (c, entries) = SealedChain(f.Extra);
            int at = f.Entry % entries.Count;
            entries[at][f.Byte % entries[at].Length] ^= (byte)(1 << f.Bit);
            var report = Verify(c, entries);
            return (!report.Ok && report.FailedAtHeight == at).Label($"flip at entry {at}: {report}");
        });

    [Property(MaxTest = 60)]
    public Property removing_any_entry_is_found_where_it_is_missing() =>
        Prop.ForAll(Flips, f =>
        {
            var (c, entries) = SealedChain(f.Extra);
            int at = f.Entry % entries.Count;
            entries.RemoveAt(at);
            var report = Verify(c, entries);
            return (!report.Ok && report.FailedAtHeight == at).Label($"removed {at}: {report}");
        });

    [Property(MaxTest = 60)]
    public Property swapping_two_entries_is_found_at_the_first_of_them() =>
        Prop.ForAll(Flips, f =>
        {
            var (c, entries) = SealedChain(f.Extra);
            int a = f.Entry % entries.Count, b = f.Byte % entries.Count;
            if (a == b) return true.Label("same entry");
            (entries[a], entries[b]) = (entries[b], entries[a]);
            var report = Verify(c, entries);
            return (!report.Ok && report.FailedAtHeight == Math.Min(a, b)).Label($"swapped {a},{b}: {report}");
        });

    [Fact]
    public void an_untouched_chain_verifies()
    {
        var (c, entries) = SealedChain(3);
        var report = Verify(c, entries);
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(c.Engine.Entries.Count, report.EntriesVerified);
        Assert.Equal(c.Engine.Blocks.Count, report.BlocksVerified);
    }

    [Fact]
    public void an_operator_who_rewrites_history_and_rehashes_is_caught_by_the_signatures_and_the_seal()
    {
        // The operator changes a payment's amount and recomputes every hash after it. Signatures by the
        // resident no longer match, so the verifier stops at that height.
        var (c, _) = SealedChain(2);
        var original = c.Engine.Entries;
        int target = original.Count - 1;
        byte[] envelope = (byte[])original[target].Envelope.Clone();
        var decoded = SignedCommand.Decode(envelope, Community.ChainId).Command!;
        envelope[decoded.CommandLength - 2] ^= 1; // last byte of the amount (the byte after it says "no payment request")
        var forged = original.Take(target).Select(e => e.Encode()).ToList();
        forged.Add(Entry.Create(target, original[target].PreviousHash, original[target].TimestampMs, original[target].Outcome, envelope).Encode());
        var report = Verify(c, forged);
        Assert.False(report.Ok);
        Assert.Equal(target, report.FailedAtHeight);
        Assert.Equal("signature", report.Rule);
    }
}

public class When_hostile_bytes_arrive
{
    [Property(MaxTest = 2000)]
    public Property decoding_random_bytes_never_throws() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).ToArbitrary(), bytes =>
        {
            var result = SignedCommand.Decode(bytes, Community.ChainId);
            _ = Entry.TryDecode(bytes, out _, out _);
            _ = Block.TryDecode(bytes, out _, out _);
            return result.Command is not null || result.Refusal != RejectionCode.None;
        });

    [Property(MaxTest = 500)]
    public Property every_truncation_of_a_valid_command_is_refused_as_malformed() =>
        Prop.ForAll(Gen.Choose(0, 10_000).ToArbitrary(), cut =>
        {
            var c = new Community();
            var key = SigningKey.Generate();
            byte[] envelope = SignedCommand.Create(new OpenAccount { Header = c.Header(key) }, key).Envelope;
            byte[] truncated = envelope[..(cut % envelope.Length)];
            var result = c.Engine.Submit(truncated, c.NowMs);
            return result.Code == RejectionCode.MalformedCommand && result.Height == -1;
        });
}
