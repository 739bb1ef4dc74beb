using System.Runtime.CompilerServices;

namespace Heerlen.Munt.Ledger;

/// <summary>
/// A broken invariant: a bug in the ledger, never a business outcome. The sequencer stops rather than
/// write a wrong entry; the verifier reports the height where it happened.
/// </summary>
public sealed class InvariantViolationException(string message) : Exception(message);

/// <summary>Guards that name the failed condition (TIGER_STYLE assertions, Eventuous <c>Ensure</c>).</summary>
internal static class Ensure
{
    public static void That(bool condition, [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (!condition) throw new InvariantViolationException($"invariant broken: {expression}");
    }
}
