using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Heerlen.Munt.Ledger.Facts;

/// <summary>One published row: an area in a period. A null figure is withheld (see <see cref="IsWithheld"/>) or has no value.</summary>
public sealed class StatisticsRow
{
    private readonly long?[] _values;
    private readonly bool[] _withheld;

    internal StatisticsRow(string area, string period, long?[] values, bool[] withheld)
    {
        Area = area;
        Period = period;
        _values = values;
        _withheld = withheld;
    }

    /// <summary>A neighbourhood, or <see cref="StatisticsFold.City"/>.</summary>
    public string Area { get; }

    /// <summary>The period (<c>2026-W48</c>, <c>2026-11</c> or <c>2026</c>).</summary>
    public string Period { get; }

    /// <summary>
    /// The published value (cents, a count, or tenths for <see cref="StatisticsColumn.Tenths"/> columns); null if
    /// withheld or if the figure has no value here (a median of no pick-ups, a share of nothing spent, minted or
    /// outstanding HM in a neighbourhood).
    /// </summary>
    public long? this[Figure figure] => _values[(int)figure];

    /// <summary>True if the figure was withheld to protect the persons behind it.</summary>
    public bool IsWithheld(Figure figure) => _withheld[(int)figure];

    /// <summary>The withheld figures, in column order.</summary>
    public IReadOnlyList<Figure> Withheld => [.. StatisticsColumn.All.Where(c => _withheld[(int)c.Figure]).Select(c => c.Figure)];
}

/// <summary>
/// The published statistics of one period kind: one row per area and period, with small cells withheld. Pure; the
/// server's API and the auditor's offline tool build it with this same code from the same buckets (docs/statistics.md).
/// <para>
/// Primary suppression: a figure built from 1 to k−1 persons (residents or shops; see docs/statistics.md for the
/// persons behind each column) is withheld; a figure about nobody is published (it is 0). Secondary suppression, in
/// one table: (a) within a row, figures tied by an identity are withheld together (distinct = new + repeat earners;
/// completed jobs and the rewards paid for them; in the city row spent = spent by residents = spent inside);
/// (b) within a period and an additive column, where city = Σ neighbourhoods (+ a city-only rest, assumed known to be
/// safe), a withheld cell with persons behind it is never the only withheld non-zero cell: the smallest published non-zero
/// neighbourhood cell (else the city cell, else a zero neighbourhood cell) is withheld with it, and while the city cell
/// is published the withheld neighbourhood cells together must also rest on 0 or at least k persons. A withheld 0 about
/// nobody needs no cover. Repeated until nothing changes.
/// </para>
/// </summary>
public sealed class StatisticsTable
{
    private StatisticsTable(PeriodKind kind, int threshold, long asOfHeight, IReadOnlyList<StatisticsRow> rows)
    {
        Kind = kind;
        SuppressionThreshold = threshold;
        AsOfHeight = asOfHeight;
        Rows = rows;
    }

    /// <summary>The period kind of every row.</summary>
    public PeriodKind Kind { get; }

    /// <summary>k: figures about 1 to k−1 persons are withheld.</summary>
    public int SuppressionThreshold { get; }

    /// <summary>The figures include exactly the entries below this height.</summary>
    public long AsOfHeight { get; }

    /// <summary>Rows by period, the city first, then neighbourhoods by name.</summary>
    public IReadOnlyList<StatisticsRow> Rows { get; }

    /// <summary>The default k.</summary>
    public const int DefaultSuppressionThreshold = 10;

    /// <summary>
    /// Builds the table of the buckets of <paramref name="kind"/> (others are ignored), withholding small cells.
    /// Pass every area of each period wanted (a filter by area comes after, on <see cref="Rows"/>), so the
    /// suppression sees what a reader could subtract. <paramref name="asOfHeight"/> is one more than the last
    /// height folded in (<see cref="StatisticsBook.NextHeight"/>).
    /// </summary>
    public static StatisticsTable Build(IEnumerable<PeriodFigures> buckets, PeriodKind kind, int k, long asOfHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(asOfHeight);
        var cells = buckets.Where(b => b.Kind == kind)
            .OrderBy(b => b.Period, StringComparer.Ordinal)
            .ThenBy(b => b.Area == StatisticsFold.City ? 0 : 1)
            .ThenBy(b => b.Area, StringComparer.Ordinal)
            .Select(b => new Cells(b, k))
            .ToList();
        Suppression.Secondary(cells, k);
        var rows = cells.Select(c => c.Publish()).ToList();
        return new StatisticsTable(kind, k, asOfHeight, rows);
    }

    /// <summary>The same table with only the rows <paramref name="keep"/> keeps (e.g. one area), suppression unchanged.</summary>
    public StatisticsTable Where(Func<StatisticsRow, bool> keep) => new(Kind, SuppressionThreshold, AsOfHeight, [.. Rows.Where(keep)]);

    /// <summary>The kind's name in the table: <c>week</c>, <c>month</c> or <c>year</c>.</summary>
    public static string KindName(PeriodKind kind) => kind switch
    {
        PeriodKind.Week => "week",
        PeriodKind.Month => "month",
        PeriodKind.Year => "year",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The CSV and JSON column names, in order.</summary>
    public static IReadOnlyList<string> ColumnNames { get; } =
        ["area", "period_kind", "period", "as_of_height", "suppression_threshold", .. StatisticsColumn.All.Select(c => c.Name), "withheld"];

    /// <summary>
    /// RFC 4180 CSV (comma, CRLF, a header row of <see cref="ColumnNames"/>): money in cents, tenths with one decimal
    /// and a dot, empty for a withheld figure or one without a value; <c>withheld</c> names the withheld columns,
    /// separated by spaces, so the two kinds of empty cell can be told apart.
    /// </summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', ColumnNames)).Append("\r\n");
        foreach (var row in Rows)
        {
            csv.Append(row.Area).Append(',').Append(KindName(Kind)).Append(',').Append(row.Period).Append(',')
                .Append(AsOfHeight.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(SuppressionThreshold.ToString(CultureInfo.InvariantCulture));
            foreach (var column in StatisticsColumn.All) csv.Append(',').Append(Format(column, row[column.Figure]));
            csv.Append(',').Append(string.Join(' ', row.Withheld.Select(f => StatisticsColumn.Of(f).Name))).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>
    /// JSON: <c>{"period_kind", "as_of_height", "suppression_threshold", "rows": [...]}</c>, each row an object with the
    /// CSV column names as properties; a withheld figure or one without a value is <c>null</c>, <c>withheld</c> is an array.
    /// </summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("period_kind", KindName(Kind));
            json.WriteNumber("as_of_height", AsOfHeight);
            json.WriteNumber("suppression_threshold", SuppressionThreshold);
            json.WriteStartArray("rows");
            foreach (var row in Rows)
            {
                json.WriteStartObject();
                json.WriteString("area", row.Area);
                json.WriteString("period_kind", KindName(Kind));
                json.WriteString("period", row.Period);
                json.WriteNumber("as_of_height", AsOfHeight);
                json.WriteNumber("suppression_threshold", SuppressionThreshold);
                foreach (var column in StatisticsColumn.All)
                {
                    if (row[column.Figure] is null)
                    {
                        json.WriteNull(column.Name);
                        continue;
                    }
                    json.WritePropertyName(column.Name);
                    json.WriteRawValue(Format(column, row[column.Figure])); // tenths as 12.5 without a floating-point number
                }
                json.WriteStartArray("withheld");
                foreach (var figure in row.Withheld) json.WriteStringValue(StatisticsColumn.Of(figure).Name);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A value as printed: an integer, or tenths as <c>12.5</c>; empty for null.</summary>
    public static string Format(StatisticsColumn column, long? value)
    {
        if (value is not { } v) return "";
        if (!column.Tenths) return v.ToString(CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{v / 10}.{v % 10}");
    }

    /// <summary>One bucket's figures, the persons behind each, and what is withheld so far.</summary>
    private sealed class Cells
    {
        private static readonly IReadOnlyList<string>[] Nobody = [];

        public Cells(PeriodFigures b, int k)
        {
            Bucket = b;
            City = b.Area == StatisticsFold.City;
            int n = StatisticsColumn.All.Count;
            Value = new long?[n];
            Basis = new IReadOnlyList<string>[n][];
            Withheld = new bool[n];
            var repeat = b.Earners.Except(b.NewEarners, StringComparer.Ordinal).ToList();
            Set(Figure.DistinctEarners, b.DistinctEarners, b.Earners);
            Set(Figure.NewEarners, b.NewEarnerCount, b.NewEarners);
            Set(Figure.RepeatEarners, b.RepeatEarners, repeat);
            Set(Figure.JobsPublished, b.JobsPublished);
            Set(Figure.JobsTaken, b.JobsTaken, b.Enrollers);
            Set(Figure.JobsCompleted, b.JobsCompleted, b.Earners);
            Set(Figure.JobsRejected, b.JobsRejected, b.RejectedWorkers);
            Set(Figure.JobsCancelled, b.JobsCancelled);
            // Hours in tenths from whole minutes, rounded half up: integer arithmetic only.
            Set(Figure.MedianHoursToPickUp, b.MedianMinutesToPickUp is { } m ? checked(m + 3) / 6 : null, b.FirstEnrollers);
            Set(Figure.MintedCents, City ? b.MintedCents : null);
            Set(Figure.PaidCents, b.PaidCents, b.Earners);
            Set(Figure.SpentCents, b.SpentCents, b.Payers, b.Merchants);
            Set(Figure.RefundedCents, b.RefundedCents, b.RefundedPayers, b.RefundingMerchants);
            Set(Figure.RedeemedCents, b.RedeemedCents, b.RedeemingMerchants);
            Set(Figure.ActiveMerchants, b.ActiveMerchants, b.Merchants);
            if (City)
            {
                Set(Figure.SpentByResidentsCents, b.SpentByResidentsCents, b.Payers, b.Merchants);
                Set(Figure.SpentInsideCents, b.SpentInsideCents, b.Payers, b.Merchants);
            }
            else
            {
                Set(Figure.SpentByResidentsCents, b.SpentByResidentsCents, b.ResidentPayers);
                Set(Figure.SpentInsideCents, b.SpentInsideCents, b.InsidePayers, b.InsideMerchants);
            }
            Set(Figure.SpendingShareInside, null); // derived from the two above once their fate is known
            Set(Figure.OutstandingCents, City ? b.OutstandingCents : null);
            foreach (var column in StatisticsColumn.All)
                if (column.Suppressible && Basis[(int)column.Figure].Any(persons => persons.Count > 0 && persons.Count < k)) Withheld[(int)column.Figure] = true;
        }

        public PeriodFigures Bucket { get; }

        public bool City { get; }

        public long?[] Value { get; }

        public IReadOnlyList<string>[][] Basis { get; }

        public bool[] Withheld { get; }

        private void Set(Figure figure, long? value, params IReadOnlyList<string>[] persons)
        {
            Value[(int)figure] = value;
            Basis[(int)figure] = persons.Length == 0 ? Nobody : persons;
        }

        public StatisticsRow Publish()
        {
            // The share is published only when both its parts are, so it can never reveal a withheld one.
            int share = (int)Figure.SpendingShareInside;
            Withheld[share] = Withheld[(int)Figure.SpentByResidentsCents] || Withheld[(int)Figure.SpentInsideCents];
            if (!Withheld[share] && Value[(int)Figure.SpentByResidentsCents] is > 0 and long by)
            {
                long inside = Value[(int)Figure.SpentInsideCents]!.Value;
                Value[share] = checked((inside * 1000) + (by / 2)) / by;
            }
            var values = new long?[Value.Length];
            for (int i = 0; i < values.Length; i++) values[i] = Withheld[i] ? null : Value[i];
            return new StatisticsRow(Bucket.Area, Bucket.Period, values, (bool[])Withheld.Clone());
        }
    }

    /// <summary>Secondary suppression: rules (a) and (b) of the class summary, to a fixed point.</summary>
    private static class Suppression
    {
        private static readonly Figure[][] RowGroups =
        [
            [Figure.DistinctEarners, Figure.NewEarners, Figure.RepeatEarners],
            [Figure.JobsCompleted, Figure.PaidCents],
        ];

        private static readonly Figure[] CityRowGroup = [Figure.SpentCents, Figure.SpentByResidentsCents, Figure.SpentInsideCents];

        public static void Secondary(List<Cells> cells, int k)
        {
            var periods = cells.GroupBy(c => c.Bucket.Period, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
            var additive = StatisticsColumn.All.Where(c => c.Suppressible && c.Additive).Select(c => (int)c.Figure).ToArray();
            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (var row in cells) changed |= LinkRow(row);
                foreach (var period in periods)
                    foreach (int column in additive) changed |= GuardColumn(period, column, k);
            }
        }

        private static bool LinkRow(Cells row)
        {
            bool changed = false;
            foreach (var group in row.City ? [.. RowGroups, CityRowGroup] : RowGroups)
            {
                if (!group.Any(f => row.Withheld[(int)f])) continue;
                foreach (var f in group)
                {
                    if (row.Withheld[(int)f] || row.Value[(int)f] is null) continue;
                    row.Withheld[(int)f] = true;
                    changed = true;
                }
            }
            return changed;
        }

        /// <summary>Withholds one more cell of a column in a period if a reader could recover a withheld one by subtraction.</summary>
        private static bool GuardColumn(List<Cells> period, int column, int k)
        {
            var present = period.Where(c => c.Value[column] is not null).ToList();
            var withheld = present.Where(c => c.Withheld[column]).ToList();
            // A withheld 0 about nobody (withheld only with its row's partners) reveals nobody if recovered, and covers nobody either.
            var sensitive = withheld.Where(c => c.Basis[column].Any(persons => persons.Count > 0)).ToList();
            if (sensitive.Count == 0) return false;
            var city = present.FirstOrDefault(c => c.City);
            bool cityPublished = city is not null && !city.Withheld[column];
            var published = present.Where(c => !c.City && !c.Withheld[column])
                .OrderBy(c => c.Value[column] == 0 ? 1 : 0).ThenBy(c => c.Value[column]).ThenBy(c => c.Bucket.Area, StringComparer.Ordinal)
                .ToList();
            Cells? next;
            if (sensitive.Count == 1 && withheld.All(c => c == sensitive[0] || c.Value[column] == 0))
            {
                // Alone, it is the city total minus the others (or the total of the others plus the rest).
                next = published.FirstOrDefault(c => c.Value[column] != 0) ?? (cityPublished ? city : published.FirstOrDefault());
            }
            else if (cityPublished && TooFewTogether([.. withheld.Where(c => !c.City)], column, k))
            {
                // Their sum is the city total minus the published cells: it must not be about 1..k-1 persons either.
                next = published.FirstOrDefault(c => c.Value[column] != 0) ?? city;
            }
            else return false;
            if (next is null) return false; // nothing left to subtract from: the lone cell cannot be recovered
            next.Withheld[column] = true;
            return true;
        }

        private static bool TooFewTogether(List<Cells> withheld, int column, int k)
        {
            int sets = withheld.Max(c => c.Basis[column].Length);
            for (int i = 0; i < sets; i++)
            {
                var persons = new HashSet<string>(StringComparer.Ordinal);
                foreach (var c in withheld)
                    if (i < c.Basis[column].Length) persons.UnionWith(c.Basis[column][i]);
                if (persons.Count > 0 && persons.Count < k) return true;
            }
            return false;
        }
    }
}
