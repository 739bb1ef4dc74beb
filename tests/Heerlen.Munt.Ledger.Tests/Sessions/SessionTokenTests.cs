using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Sessions;

namespace Heerlen.Munt.Ledger.Tests.Sessions;

public sealed class When_an_app_signs_a_session
{
    private static readonly SigningKey Key = SigningKey.FromPhrase(SigningKey.NewPhrase());

    [Fact]
    public void its_text_reads_back_and_checks_out_within_its_window_only()
    {
        var token = SessionToken.Create("heerlen-munt/demo", Key.PublicKey, Key, 1_000_000, TimeSpan.FromMinutes(5));
        string text = token.ToText();
        Assert.StartsWith("hms1.", text, StringComparison.Ordinal);
        Assert.DoesNotContain('=', text);
        Assert.True(SessionToken.TryParse(text, out var read, out string problem), problem);
        Assert.Equal(SessionCheck.Valid, read!.Check("heerlen-munt/demo", 1_000_000, ManagedSchnorrVerifier.Instance, TimeSpan.Zero));
        Assert.Equal(SessionCheck.Expired, read.Check("heerlen-munt/demo", 1_000_000 + 300_000, ManagedSchnorrVerifier.Instance, TimeSpan.Zero));
        Assert.Equal(SessionCheck.WrongChain, read.Check("another", 1_000_000, ManagedSchnorrVerifier.Instance, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hms1.")]
    [InlineData("hms1.***")]
    [InlineData("hms1.a")]
    [InlineData("hms1.AAAA====")]
    [InlineData("Bearer hms1.AAAA")]
    public void garbage_is_refused_with_a_reason_and_never_throws(string text)
    {
        Assert.False(SessionToken.TryParse(text, out var token, out string problem));
        Assert.Null(token);
        Assert.NotEmpty(problem);
    }

    [Property(MaxTest = 300)]
    public Property any_text_after_the_prefix_is_read_without_throwing(string tail)
    {
        SessionToken.TryParse("hms1." + tail, out _, out _);
        return true.ToProperty();
    }
}
