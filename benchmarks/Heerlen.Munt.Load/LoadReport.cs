using System.Diagnostics;
using System.Globalization;

namespace Heerlen.Munt.Load;

/// <summary>Throughput, latency percentiles and failures of the measured payments.</summary>
public sealed record LoadReport
{
    /// <summary>Measured payments started.</summary>
    public required int Started { get; init; }

    /// <summary>Of those, applied (an entry with a height).</summary>
    public required int Applied { get; init; }

    /// <summary>Failures by reason.</summary>
    public required IReadOnlyDictionary<string, int> Failures { get; init; }

    /// <summary>From the first measured payment's due time to the last measured answer.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Applied payments per second over <see cref="Window"/>.</summary>
    public double AchievedPerSecond => Applied / Window.TotalSeconds;

    /// <summary>Latency (due → answer) of the applied payments, sorted, ms.</summary>
    public required double[] Latency { get; init; }

    /// <summary>Service time (sent → answer) of the applied payments, sorted, ms.</summary>
    public required double[] Service { get; init; }

    /// <summary>Open loop: how late the schedule sent a payment at worst, ms.</summary>
    public required double ScheduleLagMaxMs { get; init; }

    /// <summary>Applied payments that share a height with another (must be zero: every payment is its own entry).</summary>
    public required int DuplicateHeights { get; init; }

    /// <summary>Folds a phase's measured results.</summary>
    public static LoadReport Of(PhaseResult phase)
    {
        var measured = phase.Results.Skip(phase.Warmup).Where(r => r.Started).ToArray();
        var applied = measured.Where(r => r.Failure is null).ToArray();
        long lastAnswer = measured.Length == 0 ? phase.MeasuredStart : measured.Max(r => r.Answered);
        var heights = new HashSet<long>(applied.Select(r => r.Height));
        return new LoadReport
        {
            Started = measured.Length,
            Applied = applied.Length,
            Failures = measured.Where(r => r.Failure is not null).GroupBy(r => r.Failure!).ToDictionary(g => g.Key, g => g.Count()),
            Window = Stopwatch.GetElapsedTime(phase.MeasuredStart, lastAnswer),
            Latency = applied.Select(r => r.LatencyMs).Order().ToArray(),
            Service = applied.Select(r => r.ServiceMs).Order().ToArray(),
            ScheduleLagMaxMs = measured.Length == 0 ? 0 : measured.Max(r => Stopwatch.GetElapsedTime(r.Due, r.Sent).TotalMilliseconds),
            DuplicateHeights = applied.Length - heights.Count,
        };
    }

    /// <summary>The value below which <paramref name="percent"/> % of the sorted values lie (nearest rank); NaN if none.</summary>
    public static double Percentile(double[] sorted, double percent) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>p50, p95, p99, p99.9 and max as one line.</summary>
    public static string Percentiles(double[] sorted) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {Percentile(sorted, 50):0.0} ms, p95 {Percentile(sorted, 95):0.0} ms, p99 {Percentile(sorted, 99):0.0} ms, p99.9 {Percentile(sorted, 99.9):0.0} ms, max {Percentile(sorted, 100):0.0} ms");

    /// <summary>The failures as <c>reason ×count</c>, or "none".</summary>
    public string FailureText => Failures.Count == 0 ? "none" : string.Join(", ", Failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} ×{f.Value}"));
}
