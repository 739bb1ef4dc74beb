using System.Globalization;

namespace Heerlen.Munt.Load;

/// <summary>What to load, how hard and for how long. Parsed from the command line by <see cref="Parse"/>.</summary>
public sealed record LoadOptions
{
    /// <summary>The command line, for <c>--help</c> and mistakes.</summary>
    public const string Usage = """
        usage: dotnet run -c Release --project benchmarks/Heerlen.Munt.Load -- [options]
          --server URL        gRPC address of the server (loopback only)        default http://127.0.0.1:5081
          --data DIR          the server's data directory, for DIR/demo-keys.json (the demo's officers)   required
          --residents N       new residents who earn HM and pay                   default 500
          --shops N           new shops they pay                                  default 20
          --rate R            open loop: payments started per second on a fixed schedule
          --in-flight N       closed loop (no --rate): N payments at a time, each next one when one is answered
          --seconds S         length of the measured phase                        default 30
          --count N           at most N measured payments (with --seconds, whichever comes first)
          --warmup S          payments at the same rate/concurrency before the measured phase, not counted   default 10
          --max-cents N       each payment is 1..N cents                          default 5
          --target-p99-ms M   the latency target the run is judged against       default 50
          --smoke             a quick check for CI: 20 residents, 3 shops, 50/s for 3 s, no warm-up; exit 1 on any failure
        Without --rate and --in-flight: open loop at 1000 payments/s. Exit code 0 when every payment was applied.
        """;

    /// <summary>The server's gRPC address.</summary>
    public Uri Server { get; init; } = new("http://127.0.0.1:5081");

    /// <summary>The server's data directory (where <c>demo-keys.json</c> is).</summary>
    public string DataDirectory { get; init; } = "";

    /// <summary>Residents made for the run.</summary>
    public int Residents { get; init; } = 500;

    /// <summary>Shops made for the run.</summary>
    public int Shops { get; init; } = 20;

    /// <summary>Open loop: payments per second. Zero: closed loop.</summary>
    public double RatePerSecond { get; init; }

    /// <summary>Closed loop: payments outstanding at once.</summary>
    public int InFlight { get; init; }

    /// <summary>Measured phase, seconds.</summary>
    public double Seconds { get; init; } = 30;

    /// <summary>At most this many measured payments; zero: bounded by time only.</summary>
    public long Count { get; init; }

    /// <summary>
    /// Warm-up before the measured phase, seconds (server JIT, connections, caches). Ten, because a fresh server's
    /// tiered JIT still recompiles hot code for seconds after the first requests (perf showed the JIT at 13–15 % of the
    /// server's CPU in the first twelve seconds of load).
    /// </summary>
    public double WarmupSeconds { get; init; } = 10;

    /// <summary>Largest payment, cents.</summary>
    public long MaxPaymentCents { get; init; } = 5;

    /// <summary>The p99 target the run is judged against.</summary>
    public double TargetP99Ms { get; init; } = 50;

    /// <summary>The CI smoke run.</summary>
    public bool Smoke { get; init; }

    /// <summary>True for open loop (fixed rate), false for closed loop (fixed concurrency).</summary>
    public bool OpenLoop => RatePerSecond > 0;

    /// <summary>Closed loop without <c>--count</c> signs this many payments per second of run ahead of time (more than the server has done).</summary>
    public const int ClosedLoopSignedPerSecond = 4000;

    /// <summary>Payments signed before the clock starts: warm-up plus measured phase.</summary>
    public (long Warmup, long Measured) PaymentsToSign()
    {
        double perSecond = OpenLoop ? RatePerSecond : ClosedLoopSignedPerSecond;
        long measured = (long)Math.Ceiling(perSecond * Seconds);
        if (Count > 0) measured = Math.Min(measured, Count);
        return ((long)Math.Ceiling(perSecond * WarmupSeconds), measured);
    }

    /// <summary>Parses the command line; returns null and an error for anything it does not understand.</summary>
    public static LoadOptions? Parse(string[] args, out string? error)
    {
        var o = new LoadOptions();
        error = null;
        bool rateGiven = false;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name == "--smoke")
            {
                o = o with { Smoke = true, Residents = 20, Shops = 3, RatePerSecond = 50, Seconds = 3, WarmupSeconds = 0 };
                rateGiven = true;
                continue;
            }
            if (name is "--help" or "-h")
            {
                error = "";
                return null;
            }
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value";
                return null;
            }
            string v = args[++i];
            try
            {
                o = name switch
                {
                    "--server" => o with { Server = new Uri(v) },
                    "--data" => o with { DataDirectory = v },
                    "--residents" => o with { Residents = int.Parse(v, CultureInfo.InvariantCulture) },
                    "--shops" => o with { Shops = int.Parse(v, CultureInfo.InvariantCulture) },
                    "--rate" => o with { RatePerSecond = double.Parse(v, CultureInfo.InvariantCulture), InFlight = 0 },
                    "--in-flight" => o with { InFlight = int.Parse(v, CultureInfo.InvariantCulture) },
                    "--seconds" => o with { Seconds = double.Parse(v, CultureInfo.InvariantCulture) },
                    "--count" => o with { Count = long.Parse(v, CultureInfo.InvariantCulture) },
                    "--warmup" => o with { WarmupSeconds = double.Parse(v, CultureInfo.InvariantCulture) },
                    "--max-cents" => o with { MaxPaymentCents = long.Parse(v, CultureInfo.InvariantCulture) },
                    "--target-p99-ms" => o with { TargetP99Ms = double.Parse(v, CultureInfo.InvariantCulture) },
                    _ => throw new FormatException($"unknown option {name}"),
                };
                rateGiven |= name == "--rate";
            }
            catch (Exception e) when (e is FormatException or OverflowException or UriFormatException)
            {
                error = e is FormatException { Message: var m } && m.StartsWith("unknown", StringComparison.Ordinal) ? m : $"{name} {v}: {e.Message}";
                return null;
            }
        }
        if (o.InFlight > 0 && rateGiven) error = "give --rate (open loop) or --in-flight (closed loop), not both";
        else if (o.InFlight == 0 && !rateGiven) o = o with { RatePerSecond = 1000 };
        error ??= o.Check();
        return error is null ? o : null;
    }

    private string? Check()
    {
        if (string.IsNullOrEmpty(DataDirectory)) return "--data DIR is required (the server's data directory, holding demo-keys.json)";
        if (!Server.IsLoopback) return $"{Server} is not a loopback address: the load generator only loads a server on this machine";
        if (Residents < 1 || Shops < 1) return "--residents and --shops must be at least 1";
        if (Seconds <= 0 && Count <= 0) return "give --seconds or --count";
        if (Seconds <= 0) return "--seconds must be positive";
        if (WarmupSeconds < 0 || MaxPaymentCents < 1 || TargetP99Ms <= 0 || Count < 0) return "--warmup, --max-cents, --target-p99-ms and --count must be positive";
        if (OpenLoop && RatePerSecond > 100_000) return "--rate: at most 100,000 a second";
        if (!OpenLoop && InFlight < 1) return "--in-flight must be at least 1";
        return null;
    }
}
