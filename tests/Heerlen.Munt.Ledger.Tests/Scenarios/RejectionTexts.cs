using System.Text.RegularExpressions;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

public sealed partial class Every_rejection_code
{
    [GeneratedRegex("^[a-z]+(_[a-z]+)*$")]
    private static partial Regex SnakeCase();

    [Fact]
    public void has_a_snake_case_code_and_a_dutch_and_an_english_reason()
    {
        foreach (RejectionCode code in Enum.GetValues<RejectionCode>())
        {
            string name = Rejections.Code(code);
            Assert.True(SnakeCase().IsMatch(name), $"{code}: '{name}' is not snake_case");
            string dutch = Rejections.Reason(code, Language.Dutch);
            string english = Rejections.Reason(code, Language.English);
            Assert.False(string.IsNullOrWhiteSpace(dutch), $"{code} has no Dutch reason");
            Assert.False(string.IsNullOrWhiteSpace(english), $"{code} has no English reason");
            Assert.NotEqual(dutch, english);
        }
    }

    [Fact]
    public void has_a_code_no_other_code_has()
    {
        var names = Enum.GetValues<RejectionCode>().Select(Rejections.Code).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void is_named_after_its_enum_member()
    {
        foreach (RejectionCode code in Enum.GetValues<RejectionCode>().Where(c => c != RejectionCode.None))
            Assert.Equal(code.ToString(), Rejections.Code(code).Replace("_", "", StringComparison.Ordinal), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void is_a_refusal_below_100_and_a_recorded_rejection_from_100()
    {
        Assert.False(Rejections.IsRefusal(RejectionCode.None));
        foreach (RejectionCode code in Enum.GetValues<RejectionCode>().Where(c => c != RejectionCode.None))
            Assert.Equal((ushort)code < 100, Rejections.IsRefusal(code));
    }

    [Fact]
    public void is_listed_in_all()
    {
        Assert.Equal(Enum.GetValues<RejectionCode>(), Rejections.All);
    }
}
