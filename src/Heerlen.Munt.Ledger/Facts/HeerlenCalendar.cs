using System.Globalization;

namespace Heerlen.Munt.Ledger.Facts;

/// <summary>The length of a statistics period, all in Heerlen local time.</summary>
public enum PeriodKind
{
    /// <summary>ISO 8601 week, Monday to Sunday: <c>2026-W48</c>.</summary>
    Week = 1,

    /// <summary>Calendar month: <c>2026-11</c>.</summary>
    Month = 2,

    /// <summary>Calendar year: <c>2026</c>.</summary>
    Year = 3,
}

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
    public static string IsoWeek(long unixMs) => Period(PeriodKind.Week, unixMs);

    /// <summary>The local month, <c>yyyy-MM</c> (e.g. <c>2026-11</c>).</summary>
    public static string Month(long unixMs) => Local(unixMs).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The local year, <c>yyyy</c>.</summary>
    public static string Year(long unixMs) => Local(unixMs).ToString("yyyy", CultureInfo.InvariantCulture);

    /// <summary>The local period of a kind an instant falls in: <c>2026-W48</c>, <c>2026-11</c> or <c>2026</c>.</summary>
    public static string Period(PeriodKind kind, long unixMs) => PeriodOfDay(kind, DateOnly.FromDateTime(Local(unixMs)));

    /// <summary>The period of a kind a local day falls in.</summary>
    public static string PeriodOfDay(PeriodKind kind, DateOnly day)
    {
        DateTime d = day.ToDateTime(TimeOnly.MinValue);
        return kind switch
        {
            PeriodKind.Week => string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(d)}-W{ISOWeek.GetWeekOfYear(d):00}"),
            PeriodKind.Month => d.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            PeriodKind.Year => d.ToString("yyyy", CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>The kind of a period name (<c>2026-W48</c>, <c>2026-11</c>, <c>2026</c>), or null if it is none of them.</summary>
    public static PeriodKind? KindOf(string period) => TryFirstDay(period, out var kind, out _) ? kind : null;

    /// <summary>
    /// The first local day of a period named like <c>2026-W48</c> (its Monday), <c>2026-11</c> or <c>2026</c>, years 2000-9998;
    /// false if the name is malformed or not a real period.
    /// </summary>
    public static bool TryFirstDay(string period, out PeriodKind kind, out DateOnly firstDay)
    {
        kind = default;
        firstDay = default;
        if (period.Length < 4 || !Number(period.AsSpan(0, 4), out int year) || year < 2000 || year > 9998) return false;
        if (period.Length == 4)
        {
            (kind, firstDay) = (PeriodKind.Year, new DateOnly(year, 1, 1));
            return true;
        }
        if (period.Length == 7 && period[4] == '-' && Number(period.AsSpan(5, 2), out int month) && month is >= 1 and <= 12)
        {
            (kind, firstDay) = (PeriodKind.Month, new DateOnly(year, month, 1));
            return true;
        }
        if (period.Length == 8 && period[4] == '-' && period[5] == 'W' && Number(period.AsSpan(6, 2), out int week) && week >= 1 && week <= ISOWeek.GetWeeksInYear(year))
        {
            (kind, firstDay) = (PeriodKind.Week, DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday)));
            return true;
        }
        return false;
    }

    /// <summary>The first local day of the period after the one starting on <paramref name="firstDay"/>.</summary>
    public static DateOnly NextFirstDay(PeriodKind kind, DateOnly firstDay) => kind switch
    {
        PeriodKind.Week => firstDay.AddDays(7),
        PeriodKind.Month => firstDay.AddMonths(1),
        PeriodKind.Year => firstDay.AddYears(1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static bool Number(ReadOnlySpan<char> digits, out int value) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static DateTime LastSundayAtOneUtc(int year, int month)
    {
        var last = new DateTime(year, month, DateTime.DaysInMonth(year, month), 1, 0, 0, DateTimeKind.Utc);
        return last.AddDays(-(int)last.DayOfWeek);
    }
}
