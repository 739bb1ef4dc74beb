using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Tests.Chain;

public sealed class When_a_checkpoint_is_written_as_a_signed_note
{
    private const string Origin = "heerlen-munt/demo";
    private static readonly SigningKey Operator = SigningKey.FromSecret(Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000003"));
    private static readonly Hash32 Root = Hash32.Sha256("root"u8);
    private static readonly ISchnorrVerifier Verifier = ManagedSchnorrVerifier.Instance;

    [Fact]
    public void it_has_the_tlog_checkpoint_form_and_its_signature_verifies()
    {
        string note = CheckpointNote.Sign(Origin, 1234, Root, Origin, Operator);
        string[] lines = note.Split('\n');
        Assert.Equal(Origin, lines[0]);
        Assert.Equal("1234", lines[1]);
        Assert.Equal(Convert.ToBase64String(Root.Span), lines[2]);
        Assert.Equal("", lines[3]);
        Assert.StartsWith("\u2014 heerlen-munt/demo ", lines[4], StringComparison.Ordinal);
        Assert.True(note.EndsWith('\n'));

        Assert.True(CheckpointNote.TryParse(note, out var parsed, out string problem), problem);
        Assert.Equal(1234, parsed!.TreeSize);
        Assert.Equal(Root, parsed.RootHash);
        Assert.Equal(Origin, parsed.Origin);
        Assert.True(parsed.IsSignedBy(Origin, Operator.PublicKey, Verifier));
    }

    [Fact]
    public void the_key_id_is_the_first_four_bytes_of_the_c2sp_hash_of_name_type_and_key()
    {
        byte[] input = [.. "heerlen-munt/demo"u8, 0x0A, 0xFF, .. "heerlen-munt/bip340-secp256k1"u8, .. Operator.PublicKey.Span];
        uint expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(System.Security.Cryptography.SHA256.HashData(input));
        Assert.Equal(expected, CheckpointNote.KeyId(Origin, Operator.PublicKey));
        CheckpointNote.TryParse(CheckpointNote.Sign(Origin, 1, Root, Origin, Operator), out var parsed, out _);
        Assert.Equal(expected, Assert.Single(parsed!.Signatures).KeyId);
    }

    [Fact]
    public void a_witness_cosignature_it_does_not_know_is_kept_and_ignored()
    {
        string note = CheckpointNote.Sign(Origin, 7, Root, Origin, Operator);
        string cosigned = note + "\u2014 witness.example/w1 " + Convert.ToBase64String(new byte[4 + 72]) + "\n";
        Assert.True(CheckpointNote.TryParse(cosigned, out var parsed, out string problem), problem);
        Assert.Equal(2, parsed!.Signatures.Count);
        Assert.True(parsed.IsSignedBy(Origin, Operator.PublicKey, Verifier));
    }

    [Fact]
    public void a_changed_size_root_or_origin_or_a_signature_by_another_key_does_not_verify()
    {
        string note = CheckpointNote.Sign(Origin, 7, Root, Origin, Operator);
        foreach (string forged in new[] { note.Replace("\n7\n", "\n8\n", StringComparison.Ordinal), note.Replace(Convert.ToBase64String(Root.Span), Convert.ToBase64String(Hash32.Sha256("other"u8).Span), StringComparison.Ordinal) })
        {
            Assert.True(CheckpointNote.TryParse(forged, out var parsed, out _));
            Assert.False(parsed!.IsSignedBy(Origin, Operator.PublicKey, Verifier));
        }
        var other = SigningKey.Generate();
        CheckpointNote.TryParse(CheckpointNote.Sign(Origin, 7, Root, Origin, other), out var byOther, out _);
        Assert.False(byOther!.IsSignedBy(Origin, Operator.PublicKey, Verifier)); // another key id: not a signature of ours at all
        CheckpointNote.TryParse(CheckpointNote.Sign(Origin, 7, Root, "another/name", Operator), out var otherName, out _);
        Assert.False(otherName!.IsSignedBy(Origin, Operator.PublicKey, Verifier));
    }

    [Fact]
    public void a_line_that_claims_the_operators_key_but_does_not_verify_makes_the_note_fail_even_beside_a_good_one()
    {
        string note = CheckpointNote.Sign(Origin, 7, Root, Origin, Operator);
        byte[] bad = new byte[4 + 64];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bad, CheckpointNote.KeyId(Origin, Operator.PublicKey));
        string withBad = note + "\u2014 " + Origin + " " + Convert.ToBase64String(bad) + "\n";
        Assert.True(CheckpointNote.TryParse(withBad, out var parsed, out _));
        Assert.False(parsed!.IsSignedBy(Origin, Operator.PublicKey, Verifier));
    }

    [Theory]
    [InlineData("")]
    [InlineData("heerlen-munt/demo\n7\nroot\n")]
    [InlineData("heerlen-munt/demo\n7\n\n")]
    [InlineData("heerlen-munt/demo\n07\n{root}\n\n\u2014 heerlen-munt/demo AAAAAAAA\n")]
    [InlineData("heerlen-munt/demo\n-7\n{root}\n\n\u2014 heerlen-munt/demo AAAAAAAA\n")]
    [InlineData("heerlen munt\n7\n{root}\n\n\u2014 heerlen-munt/demo AAAAAAAA\n")]
    [InlineData("heerlen-munt/demo\n7\nnot base64!\n\n\u2014 heerlen-munt/demo AAAAAAAA\n")]
    [InlineData("heerlen-munt/demo\n7\n{root}\n\n- heerlen-munt/demo AAAAAAAA\n")]
    [InlineData("heerlen-munt/demo\n7\n{root}\n\n\u2014 heerlen-munt/demo AAAA\n")]
    [InlineData("heerlen-munt/demo\n7\n{root}\n\n\u2014 heerlen-munt/demo AAAAAAAA")]
    [InlineData("heerlen-munt/demo\n7\n{root}\n\n")]
    [InlineData("heerlen-munt/demo\r\n7\n{root}\n\n\u2014 heerlen-munt/demo AAAAAAAA\n")]
    public void a_malformed_note_is_refused_with_a_reason_and_never_throws(string template)
    {
        string note = template.Replace("{root}", Convert.ToBase64String(Root.Span), StringComparison.Ordinal);
        Assert.False(CheckpointNote.TryParse(note, out var parsed, out string problem));
        Assert.Null(parsed);
        Assert.NotEmpty(problem);
    }

    [Property(MaxTest = 300)]
    public Property any_text_is_read_without_throwing(string text)
    {
        CheckpointNote.TryParse(text, out _, out _);
        return true.ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property a_note_reads_back_as_written_for_any_size(NonNegativeInt size)
    {
        string note = CheckpointNote.Sign(Origin, size.Get, Root, Origin, Operator);
        return (CheckpointNote.TryParse(note, out var parsed, out _) && parsed!.TreeSize == size.Get && parsed.IsSignedBy(Origin, Operator.PublicKey, Verifier)).ToProperty();
    }
}
