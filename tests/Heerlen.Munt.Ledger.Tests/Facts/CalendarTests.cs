using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Facts;

public class When_an_instant_is_put_in_Heerlens_calendar
{
    private static long Ms(string utc) => DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();

    private static DateTime LocalTime(int year, int month, int day, int hour, int minute, int second = 0, int ms = 0) => new(year, month, day, hour, minute, second, ms);

    [Fact]
    public void summer_time_starts_on_29_march_2026_at_01_00_utc()
    {
        Assert.Equal(LocalTime(2026, 3, 29, 1, 59, 59, 999), HeerlenCalendar.Local(Ms("2026-03-29T00:59:59.999Z")));
        Assert.Equal(LocalTime(2026, 3, 29, 3, 0), HeerlenCalendar.Local(Ms("2026-03-29T01:00:00Z")));
        Assert.Equal(LocalTime(2026, 3, 28, 23, 0), HeerlenCalendar.Local(Ms("2026-03-28T22:00:00Z")));
        Assert.Equal(LocalTime(2026, 3, 30, 0, 0), HeerlenCalendar.Local(Ms("2026-03-29T22:00:00Z")));
    }

    [Fact]
    public void summer_time_ends_on_25_october_2026_at_01_00_utc()
    {
        Assert.Equal(LocalTime(2026, 10, 25, 2, 59, 59, 999), HeerlenCalendar.Local(Ms("2026-10-25T00:59:59.999Z")));
        Assert.Equal(LocalTime(2026, 10, 25, 2, 0), HeerlenCalendar.Local(Ms("2026-10-25T01:00:00Z")));
        Assert.Equal(LocalTime(2026, 10, 25, 0, 0), HeerlenCalendar.Local(Ms("2026-10-24T22:00:00Z")));
        Assert.Equal(LocalTime(2026, 10, 26, 0, 0), HeerlenCalendar.Local(Ms("2026-10-25T23:00:00Z")));
    }

    [Theory]
    [InlineData("2026-03-28T22:59:59.999Z", "2026-03-28")] // winter: midnight is 23:00 UTC
    [InlineData("2026-03-28T23:00:00Z", "2026-03-29")]
    [InlineData("2026-06-30T21:59:59.999Z", "2026-06-30")] // summer: midnight is 22:00 UTC
    [InlineData("2026-06-30T22:00:00Z", "2026-07-01")]
    [InlineData("2026-10-24T21:59:59.999Z", "2026-10-24")]
    [InlineData("2026-10-24T22:00:00Z", "2026-10-25")] // the night the clocks go back is 25 hours long
    [InlineData("2026-10-25T22:59:59.999Z", "2026-10-25")]
    [InlineData("2026-10-25T23:00:00Z", "2026-10-26")]
    public void the_local_day_begins_at_local_midnight(string utc, string day)
    {
        Assert.Equal(day, HeerlenCalendar.Day(Ms(utc)));
    }

    [Theory]
    [InlineData("2025-12-28T22:59:59.999Z", "2025-12-28", "2025-W52")]
    [InlineData("2025-12-28T23:00:00Z", "2025-12-29", "2026-W01")] // Monday of the week holding Thursday 1 January 2026
    [InlineData("2026-12-31T12:00:00Z", "2026-12-31", "2026-W53")]
    [InlineData("2027-01-01T12:00:00Z", "2027-01-01", "2026-W53")]
    [InlineData("2027-01-03T22:59:59.999Z", "2027-01-03", "2026-W53")]
    [InlineData("2027-01-03T23:00:00Z", "2027-01-04", "2027-W01")]
    [InlineData("2024-12-29T22:59:59.999Z", "2024-12-29", "2024-W52")]
    [InlineData("2024-12-29T23:00:00Z", "2024-12-30", "2025-W01")]
    [InlineData("2021-01-03T12:00:00Z", "2021-01-03", "2020-W53")]
    [InlineData("2021-01-04T12:00:00Z", "2021-01-04", "2021-W01")]
    public void iso_weeks_at_year_boundaries_follow_the_local_day(string utc, string day, string week)
    {
        long ms = Ms(utc);
        DateTime date = DateTime.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(week, string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}"));
        Assert.Equal(day, HeerlenCalendar.Day(ms));
        Assert.Equal(week, HeerlenCalendar.IsoWeek(ms));
    }

    [Fact]
    public void a_payment_at_23_30_utc_on_a_winter_sunday_falls_on_the_next_local_day_and_week()
    {
        var community = new Community();
        var shop = community.NewMerchant();
        var resident = community.NewEarner(20);
        var tail = new FactsTail(community.Engine);
        tail.CatchUp();
        community.NowMs = Ms("2026-11-29T23:30:00Z"); // Sunday; in UTC still ISO week 48
        Community.Ok(community.Submit(new Pay(shop.PublicKey, Amount.FromEuros(5), null) { Header = community.Header(resident) }, resident));

        var pay = tail.Single();

        Assert.Equal(LocalTime(2026, 11, 30, 0, 30), HeerlenCalendar.Local(pay.TimestampMs));
        Assert.Equal("2026-11-30", HeerlenCalendar.Day(pay.TimestampMs));
        Assert.Equal("2026-W49", HeerlenCalendar.IsoWeek(pay.TimestampMs));
        var book = new StatisticsBook();
        foreach (var f in tail.All) book.Fold(f);
        Assert.Equal(Amount.FromEuros(5).Cents, book.Buckets["heerlen/2026-W49"].SpentCents);
        Assert.DoesNotContain("heerlen/2026-W48", book.Buckets.Keys);
    }

    /// <summary>The Amsterdam zone of the tz database: the same rule as Heerlen (CET/CEST since 1996), an independent oracle.</summary>
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    private static DateTime Tz(long ms) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddMilliseconds(ms), Amsterdam);

    [Fact]
    public void every_switch_from_1997_to_2099_happens_where_the_tz_database_puts_it()
    {
        for (int year = 1997; year <= 2099; year++)
        {
            foreach (int month in new[] { 3, 10 })
            {
                var lastDay = new DateTime(year, month, DateTime.DaysInMonth(year, month), 1, 0, 0, DateTimeKind.Utc);
                long at = new DateTimeOffset(lastDay.AddDays(-(int)lastDay.DayOfWeek)).ToUnixTimeMilliseconds();
                foreach (long ms in new[] { at - 3_600_001, at - 1, at, at + 3_599_999, at + 3_600_000 })
                    Assert.True(Tz(ms) == HeerlenCalendar.Local(ms), $"{DateTime.UnixEpoch.AddMilliseconds(ms):O}: tz says {Tz(ms):O}, Calendar says {HeerlenCalendar.Local(ms):O}");
            }
        }
    }

    private static readonly Arbitrary<long> Instants =
        (from seconds in Gen.Choose(0, 1_400_000_000) // 1997 to 2041
         from ms in Gen.Choose(0, 999)
         select 852_076_800_000L + seconds * 1000L + ms).ToArbitrary();

    [Property(MaxTest = 2000)]
    public Property any_instant_gets_the_local_time_day_and_iso_week_the_tz_database_gives() =>
        Prop.ForAll(Instants, ms =>
        {
            DateTime tz = Tz(ms);
            string week = string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(tz)}-W{ISOWeek.GetWeekOfYear(tz):00}");
            return (HeerlenCalendar.Local(ms) == tz && HeerlenCalendar.Day(ms) == tz.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) && HeerlenCalendar.IsoWeek(ms) == week)
                .Label($"{ms}: tz {tz:O} {week}, Calendar {HeerlenCalendar.Local(ms):O} {HeerlenCalendar.Day(ms)} {HeerlenCalendar.IsoWeek(ms)}");
        });
}
