using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Tests.Chain;

public class When_the_merkle_tree_grows
{
    private static Hash32 Data(int i) => Hash32.Sha256(BitConverter.GetBytes(i));

    [Fact]
    public void the_frontier_root_equals_the_rfc_9162_definition_at_every_size()
    {
        var frontier = new MerkleFrontier();
        var leaves = new List<Hash32>();
        Assert.Equal(Merkle.Root(leaves), frontier.Root());
        for (int i = 0; i < 300; i++)
        {
            frontier.Append(Data(i));
            leaves.Add(Data(i));
            Assert.Equal(Merkle.Root(leaves), frontier.Root());
        }
    }

    [Fact]
    public void leaves_and_nodes_are_domain_separated_as_rfc_6962_says()
    {
        var a = Data(1);
        var b = Data(2);
        byte[] leafInput = [0x00, .. a.Span];
        Assert.Equal(Hash32.Sha256(leafInput), Merkle.Leaf(a.Span));
        byte[] nodeInput = [0x01, .. Merkle.Leaf(a.Span).Span, .. Merkle.Leaf(b.Span).Span];
        Assert.Equal(Hash32.Sha256(nodeInput), Merkle.Root([a, b]));
    }

    [Fact]
    public void the_empty_tree_has_the_hash_of_nothing()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Merkle.EmptyRoot.ToHex());
    }
}
