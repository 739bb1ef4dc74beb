using System.Security.Cryptography;
using System.Text;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Tests.Crypto;

/// <summary>
/// <see cref="Hash32.Tagged"/> keeps each tag's prefix and hashes small inputs in one call: it must still be the BIP340
/// formula SHA256(SHA256(tag) ‖ SHA256(tag) ‖ data), written out here the slow way.
/// </summary>
public class When_hashing_with_a_tag
{
    private static byte[] Reference(string tag, byte[] data)
    {
        byte[] tagHash = SHA256.HashData(Encoding.UTF8.GetBytes(tag));
        return SHA256.HashData([.. tagHash, .. tagHash, .. data]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(55)]
    [InlineData(400)]
    [InlineData(1984)] // the largest that goes in one call with the 64-byte prefix
    [InlineData(1985)]
    [InlineData(70_000)]
    public void small_and_large_data_give_the_bip340_tagged_hash(int length)
    {
        byte[] data = [.. Enumerable.Range(0, length).Select(i => unchecked((byte)(i * 31 + 7)))];
        Assert.Equal(Reference(Entry.HashTag, data), Hash32.Tagged(Entry.HashTag, data).Span.ToArray());
    }

    [Fact]
    public void every_tag_keeps_its_own_prefix_even_past_the_number_of_tags_remembered()
    {
        byte[] data = [1, 2, 3];
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 100; i++)
            {
                string tag = $"heerlen-munt/test/tag-{i}";
                Assert.Equal(Reference(tag, data), Hash32.Tagged(tag, data).Span.ToArray());
            }
        }
    }

    [Fact]
    public void the_same_tag_from_many_threads_at_once_gives_the_same_hash()
    {
        byte[] data = [.. "payment"u8];
        byte[] expected = Reference("heerlen-munt/test/threads", data);
        Parallel.For(0, 10_000, _ => Assert.Equal(expected, Hash32.Tagged("heerlen-munt/test/threads", data).Span.ToArray()));
    }
}
