using System.Globalization;

namespace Heerlen.Munt.Ledger.Facts;

/// <summary>
/// Heerlen's calendar, computed without the machine's time-zone database so that every machine (server,
/// auditor, another language) puts an entry in the same day and ISO week: Central European Time, UTC+1, and
/// summer time, UTC+2, from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (EU rule
/// since 1996).
/// </summary>
public static class HeerlenCalendar
{
    /// <summary>The local date and time in Heerlen of a unix-ms instant.</summary>
    public static DateTime Local(long unixMs)
    {
        DateTime utc = DateTime.UnixEpoch.AddMilliseconds(unixMs);
        bool summer = utc >= LastSundayAtOneUtc(utc.Year, 3) && utc < LastSundayAtOneUtc(utc.Year, 10);
        return DateTime.SpecifyKind(utc.AddHours(summer ? 2 : 1), DateTimeKind.Unspecified);
    }

    /// <summary>The local day, <c>yyyy-MM-dd</c>.</summary>
    public static string Day(long unixMs) => Local(unixMs).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The ISO 8601 week of the local day, <c>yyyy-Www</c> (e.g. <c>2026-W48</c>).</summary>
    public static string IsoWeek(long unixMs)
    {
        DateTime local = Local(unixMs);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(local)}-W{ISOWeek.GetWeekOfYear(local):00}");
    }

    private static DateTime LastSundayAtOneUtc(int year, int month)
    {
        var last = new DateTime(year, month, DateTime.DaysInMonth(year, month), 1, 0, 0, DateTimeKind.Utc);
        return last.AddDays(-(int)last.DayOfWeek);
    }
}
