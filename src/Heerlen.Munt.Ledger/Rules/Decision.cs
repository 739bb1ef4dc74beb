using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger;

/// <summary>
/// A signed command whose signatures have been checked cryptographically against the keys they name.
/// Only <see cref="Verify"/> makes one, so the rules can never be handed an unchecked command.
/// </summary>
public sealed class VerifiedCommand
{
    private VerifiedCommand(SignedCommand signed) => Signed = signed;

    /// <summary>The command and its signatures.</summary>
    public SignedCommand Signed { get; }

    /// <summary>The decoded command.</summary>
    public Command Command => Signed.Command;

    /// <summary>Checks all signatures; null if any fails.</summary>
    public static VerifiedCommand? Verify(SignedCommand signed, ISchnorrVerifier verifier) =>
        signed.SignaturesAreValid(verifier) ? new VerifiedCommand(signed) : null;
}

/// <summary>What the rules decided about a command.</summary>
/// <param name="Code">None if accepted; otherwise the refusal or rejection.</param>
/// <param name="DuplicateOfHeight">For a retry of a command already on the chain: its height (and Code is its outcome); else -1.</param>
public readonly record struct Decision(RejectionCode Code, long DuplicateOfHeight = -1)
{
    /// <summary>Accepted: an entry applying it is to be written.</summary>
    public static Decision Accept { get; } = new(RejectionCode.None);

    /// <summary>True if this is a retry of a command already recorded.</summary>
    public bool IsDuplicate => DuplicateOfHeight >= 0;

    /// <summary>True if a new entry is to be written (applied or a recorded rejection).</summary>
    public bool IsRecorded => !IsDuplicate && !Rejections.IsRefusal(Code);

    /// <summary>True if accepted and new.</summary>
    public bool IsAccepted => !IsDuplicate && Code == RejectionCode.None;
}
