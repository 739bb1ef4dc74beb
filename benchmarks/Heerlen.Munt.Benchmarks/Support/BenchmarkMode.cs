namespace Heerlen.Munt.Benchmarks.Support;

/// <summary>
/// Whether this process runs the CI smoke pass (<c>--smoke</c>): every benchmark once, in-process, on the smallest inputs.
/// The benchmarks read it in their <c>[ParamsSource]</c>s; a normal run starts one child process per benchmark, where it is
/// always false, and the parameter values come from the host.
/// </summary>
internal static class BenchmarkMode
{
    /// <summary>True during <c>--smoke</c>.</summary>
    public static bool Smoke { get; set; }

    /// <summary><paramref name="smoke"/> in the smoke pass, else <paramref name="full"/>.</summary>
    public static IEnumerable<int> Pick(int[] full, params int[] smoke) => Smoke ? smoke : full;
}
