using System.Diagnostics;
using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Xunit.Abstractions;

namespace Heerlen.Munt.Ledger.Tests.Hostile;

/// <summary>
/// The canonical decoders against hostile bytes (a first step of issue 9): every envelope, entry and block of the
/// chain-format vectors (all 24 command types, campaigns included), mutated many ways from a fixed seed, and random bytes.
/// Nothing may throw, every refusal is a refusal code with a reason, and a decode never takes long. A failure prints the
/// seed and the input, so it replays exactly.
/// </summary>
public sealed class When_the_decoders_meet_hostile_bytes(ITestOutputHelper output)
{
    private const int Rounds = 20_000;

    private static JsonObject Vectors() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DocVectors", "chain-format-v1.json")))!.AsObject();

    private static IEnumerable<byte[]> Field(JsonObject vectors, string list, string field) =>
        vectors[list]!.AsArray().Select(e => Convert.FromHexString((string)e![field]!));

    [Theory]
    [InlineData(20261130)]
    [InlineData(8)]
    public void mutated_envelopes_entries_and_blocks_are_refused_with_a_reason_and_never_crash_or_hang(int seed)
    {
        var vectors = Vectors();
        var envelopes = Field(vectors, "entries", "envelope_hex").ToArray();
        var entries = Field(vectors, "entries", "entry_hex").ToArray();
        var blocks = Field(vectors, "blocks", "block_hex").ToArray();
        var random = new Random(seed);
        var slowest = TimeSpan.Zero;
        var refusals = new Dictionary<RejectionCode, int>();
        int decoded = 0;
        for (int i = 0; i < Rounds; i++)
        {
            byte[] input = Mutate(random, random.Next(3) switch { 0 => envelopes[random.Next(envelopes.Length)], 1 => entries[random.Next(entries.Length)], _ => blocks[random.Next(blocks.Length)] });
            var clock = Stopwatch.StartNew();
            try
            {
                var result = SignedCommand.Decode(input, random.Next(2) == 0 ? null : ChainFormatVectorsChainId);
                if (result.Command is null)
                {
                    Assert.True(Rejections.IsRefusal(result.Refusal), $"seed {seed} round {i}: {result.Refusal} is not a refusal code");
                    Assert.False(string.IsNullOrEmpty(result.Detail), $"seed {seed} round {i}: a refusal without a reason");
                    refusals[result.Refusal] = refusals.GetValueOrDefault(result.Refusal) + 1;
                }
                else
                {
                    decoded++;
                    // What decodes re-encodes to the same command bytes: one value, one encoding.
                    Assert.Equal(input.AsSpan(0, result.Command.CommandLength).ToArray(), CommandCodec.Encode(result.Command.Command));
                }
                if (!Entry.TryDecode(input, out var entry, out string entryProblem)) Assert.False(string.IsNullOrEmpty(entryProblem));
                else Assert.Equal(input, entry!.Encode());
                if (!Block.TryDecode(input, out var block, out string blockProblem)) Assert.False(string.IsNullOrEmpty(blockProblem));
                else Assert.Equal(input, block!.Encode());
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"seed {seed} round {i}: {e.GetType().Name} {e.Message} on {Convert.ToHexStringLower(input)}");
            }
            if (clock.Elapsed > slowest) slowest = clock.Elapsed;
        }
        output.WriteLine($"seed {seed}: {Rounds} inputs, {decoded} still decoded as a command, slowest {slowest.TotalMilliseconds:F2} ms");
        output.WriteLine(string.Join(", ", refusals.OrderBy(r => r.Key).Select(r => $"{Rejections.Code(r.Key)} {r.Value}")));
        Assert.True(refusals.Count >= 4, "the mutations reach only a few refusals: they are too tame");
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"one decode took {slowest.TotalMilliseconds} ms");
    }

    [Fact]
    public void random_bytes_of_every_length_up_to_past_the_limit_are_refused_with_a_reason()
    {
        var random = new Random(42);
        for (int length = 0; length <= SignedCommand.EnvelopeBytesMax + 64; length += 1 + length / 16)
        {
            byte[] input = new byte[length];
            random.NextBytes(input);
            if (length > 0) input[0] = CommandCodec.Version; // past the version byte, so the reader goes deeper
            var result = SignedCommand.Decode(input, null);
            Assert.Null(result.Command);
            Assert.True(Rejections.IsRefusal(result.Refusal));
            if (length > SignedCommand.EnvelopeBytesMax) Assert.Equal(RejectionCode.CommandTooLarge, result.Refusal);
            Assert.False(Entry.TryDecode(input, out _, out _));
            Assert.False(Block.TryDecode(input, out _, out _));
        }
    }

    private const string ChainFormatVectorsChainId = Chain.ChainFormatVectors.ChainId;

    /// <summary>One to three changes: flip bits, overwrite bytes (often with 0x00 or 0xFF, the edges of lengths and counts), cut, insert, duplicate a stretch.</summary>
    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = new List<byte>(original);
        for (int n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => (byte)random.Next(256) }; break;
                case 2: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 64))); break;
                case 3: bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256))); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break; // truncated
                default:
                    int length = Math.Min(bytes.Count - at, random.Next(1, 32));
                    bytes.InsertRange(at, bytes.GetRange(at, length)); // a repeated stretch
                    break;
            }
        }
        return [.. bytes];
    }
}
