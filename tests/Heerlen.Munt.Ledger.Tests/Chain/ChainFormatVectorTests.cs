using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Tests.Chain;

/// <summary>
/// Checks the checked-in vectors (docs/vectors/chain-format-v1.json) against the code. Signatures carry
/// fresh randomness, so the vectors are generated once (HEERLEN_MUNT_WRITE_VECTORS=1 rewrites them) and from
/// then on every byte, hash and signature in the file must still decode, hash and verify the same way.
/// </summary>
public class When_checking_the_chain_format_vectors
{
    private static string SourcePath => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "vectors", "chain-format-v1.json"));

    private static JsonObject Load()
    {
        if (Environment.GetEnvironmentVariable("HEERLEN_MUNT_WRITE_VECTORS") == "1")
        {
            string text = ChainFormatVectors.Serialize(ChainFormatVectors.Generate());
            File.WriteAllText(SourcePath, text);
            return JsonNode.Parse(text)!.AsObject();
        }
        return JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DocVectors", "chain-format-v1.json")))!.AsObject();
    }

    [Fact]
    public void every_entry_decodes_to_its_listed_fields_and_hashes_to_its_listed_hash()
    {
        var vectors = Load();
        var entries = vectors["entries"]!.AsArray();
        Assert.True(entries.Count >= 24);
        var typesSeen = new HashSet<string>();
        foreach (var e in entries)
        {
            byte[] stored = Convert.FromHexString((string)e!["entry_hex"]!);
            Assert.True(Entry.TryDecode(stored, out var entry, out var problem), problem);
            Assert.Equal((string)e["entry_hash"]!, entry!.Hash.ToHex());
            Assert.Equal((long)e["height"]!, entry.Height);
            var signed = SignedCommand.Decode(entry.Envelope, ChainFormatVectors.ChainId).Command!;
            Assert.Equal((string)e["signing_digest"]!, signed.Digest.ToHex());
            Assert.Equal((string)e["command_hex"]!, Convert.ToHexStringLower(CommandCodec.Encode(signed.Command)));
            Assert.Equal(e["fields"]!.ToJsonString(), ChainFormatVectors.Fields(signed.Command).ToJsonString());
            Assert.True(signed.SignaturesAreValid(ManagedSchnorrVerifier.Instance));
            typesSeen.Add((string)e["command_type"]!);
        }
        Assert.Equal(Enum.GetValues<CommandType>().Length, typesSeen.Count);
    }

    [Fact]
    public void the_vector_chain_verifies_with_its_blocks_and_merkle_roots()
    {
        var vectors = Load();
        var entries = vectors["entries"]!.AsArray().Select(e => Convert.FromHexString((string)e!["entry_hex"]!)).ToList();
        var blocks = vectors["blocks"]!.AsArray().Select(b =>
        {
            Assert.True(Block.TryDecode(Convert.FromHexString((string)b!["block_hex"]!), out var block, out var problem), problem);
            Assert.Equal((string)b["block_hash"]!, block!.Hash.ToHex());
            Assert.Equal((string)b["merkle_root"]!, block.MerkleRoot.ToHex());
            return block;
        }).ToList();
        var report = ChainVerifier.Verify(ChainFormatVectors.ChainId, entries, blocks, NativeSchnorrVerifier.Instance);
        Assert.True(report.Ok, report.ToString());
        Assert.Equal((long)vectors["final_state"]!["supply_cents"]!, report.State.Supply.Cents);
        Assert.Equal((string)vectors["entries"]!.AsArray()[^1]!["merkle_root_after"]!, blocks[^1].MerkleRoot.ToHex());
    }

    [Fact]
    public void the_tagged_hash_example_holds()
    {
        var example = Load()["tagged_hash_example"]!;
        Assert.Equal((string)example["hash"]!, Hash32.Tagged((string)example["tag"]!, Convert.FromHexString((string)example["data_hex"]!)).ToHex());
    }

    [Fact]
    public void the_generator_still_produces_a_chain_with_the_same_structure()
    {
        // Guards the generator itself: a fresh run has the same commands, outcomes and final state as the file.
        var fresh = ChainFormatVectors.Generate();
        var file = Load();
        Assert.Equal(file["final_state"]!.ToJsonString(), fresh["final_state"]!.ToJsonString());
        Assert.Equal(
            file["entries"]!.AsArray().Select(e => (string)e!["command_type"]! + (string)e["outcome"]!),
            fresh["entries"]!.AsArray().Select(e => (string)e!["command_type"]! + (string)e["outcome"]!));
    }
}
