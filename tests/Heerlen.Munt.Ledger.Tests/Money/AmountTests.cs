using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Tests.Money;

public class When_amounts_are_shown_to_people
{
    [Theory]
    [InlineData(1250, "HM 12,50", "HM 12.50")]
    [InlineData(0, "HM 0,00", "HM 0.00")]
    [InlineData(5, "HM 0,05", "HM 0.05")]
    [InlineData(123456789, "HM 1.234.567,89", "HM 1,234,567.89")]
    [InlineData(-1500, "HM -15,00", "HM -15.00")]
    public void they_read_as_dutch_and_english_write_them(long cents, string dutch, string english)
    {
        Assert.Equal(dutch, new Amount(cents).Format(Language.Dutch));
        Assert.Equal(english, new Amount(cents).Format(Language.English));
    }

    [Fact]
    public void the_smallest_long_formats_without_overflow()
    {
        Assert.Equal("HM -92,233,720,368,547,758.08", new Amount(long.MinValue).Format(Language.English));
    }
}

public class When_people_type_an_amount
{
    [Theory]
    [InlineData("12,50", Language.Dutch, 1250)]
    [InlineData("HM 12,50", Language.Dutch, 1250)]
    [InlineData("12,5", Language.Dutch, 1250)]
    [InlineData("12", Language.Dutch, 1200)]
    [InlineData("1.250,00", Language.Dutch, 125000)]
    [InlineData("12.50", Language.English, 1250)]
    [InlineData("1,250.00", Language.English, 125000)]
    [InlineData(" hm 3.05 ", Language.English, 305)]
    public void they_get_the_cents_they_meant(string text, Language language, long cents)
    {
        Assert.True(Amount.TryParse(text, language, out var amount));
        Assert.Equal(cents, amount.Cents);
    }

    [Theory]
    [InlineData("", Language.Dutch)]
    [InlineData("twaalf", Language.Dutch)]
    [InlineData("12,505", Language.Dutch)]
    [InlineData("12,", Language.Dutch)]
    [InlineData("1.25,00", Language.Dutch)]
    [InlineData("12.50", Language.Dutch)]
    [InlineData("99999999999999999999", Language.English)]
    [InlineData("92233720368547758.08", Language.English)]
    [InlineData("1e5", Language.English)]
    public void anything_unclear_is_refused(string text, Language language)
    {
        Assert.False(Amount.TryParse(text, language, out _));
    }

    [Property(MaxTest = 500)]
    public Property formatting_then_parsing_gives_the_same_amount() =>
        Prop.ForAll(ArbMap.Default.ArbFor<long>(), cents =>
        {
            if (cents == long.MinValue) return true; // its magnitude has no positive long; never a ledger amount
            var amount = new Amount(cents);
            return Amount.TryParse(amount.Format(Language.Dutch), Language.Dutch, out var nl) && nl == amount
                && Amount.TryParse(amount.Format(Language.English), Language.English, out var en) && en == amount;
        });
}

public class When_amounts_overflow
{
    [Fact]
    public void adding_past_the_largest_long_throws_instead_of_wrapping()
    {
        Assert.Throws<OverflowException>(() => new Amount(long.MaxValue) + new Amount(1));
        Assert.Throws<OverflowException>(() => new Amount(long.MinValue) - new Amount(1));
        Assert.Throws<OverflowException>(() => new Amount(long.MaxValue / 2 + 1) * 2);
    }
}
