using Google.Rpc;
using Grpc.Core;

namespace Heerlen.Munt.Client;

/// <summary>
/// Anything the server said no to: the stable <see cref="Reason"/> code (e.g. <c>insufficient_funds</c>,
/// <c>session_expired</c>), the reason for people in the language asked for, and the gRPC status.
/// </summary>
public class MuntException : Exception
{
    /// <summary>Makes one.</summary>
    public MuntException(string reason, string localizedMessage, StatusCode status, string detail, Exception? inner = null)
        : base($"{reason}: {localizedMessage}{(detail.Length > 0 ? $" ({detail})" : "")}", inner)
    {
        Reason = reason;
        LocalizedMessage = localizedMessage;
        Status = status;
        Detail = detail;
    }

    /// <summary>The stable snake_case reason code.</summary>
    public string Reason { get; }

    /// <summary>The reason in the language asked for (show this to people).</summary>
    public string LocalizedMessage { get; }

    /// <summary>The gRPC status code.</summary>
    public StatusCode Status { get; }

    /// <summary>Developer detail, if the server gave one.</summary>
    public string Detail { get; }

    /// <summary>
    /// When a submit gave up on a transient failure: the signed command, whose fate is unknown. Send exactly this
    /// again later (<see cref="MuntClient.SubmitAsync"/>) — never build a new one, or a payment may be made twice.
    /// </summary>
    public Heerlen.Munt.Ledger.Commands.SignedCommand? Unsettled { get; init; }

    /// <summary>How long the server asked to wait before trying again (google.rpc.RetryInfo, sent with <c>rate_limited</c>); null if it did not say.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True for failures where trying the same command again later may work.</summary>
    public bool IsTransient => Status is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;

    /// <summary>The same error, carrying the command to resend.</summary>
    public MuntException WithUnsettled(Heerlen.Munt.Ledger.Commands.SignedCommand command) =>
        new(Reason, LocalizedMessage, Status, Detail, InnerException) { Unsettled = command, RetryAfter = RetryAfter };

    /// <summary>Reads the google.rpc.Status of an RpcException (or makes the best of one without it).</summary>
    public static MuntException From(RpcException e)
    {
        var status = e.GetRpcStatus();
        var info = status?.GetDetail<ErrorInfo>();
        var localized = status?.GetDetail<LocalizedMessage>();
        string reason = info?.Reason ?? e.StatusCode switch
        {
            StatusCode.Unavailable => "server_unavailable",
            StatusCode.DeadlineExceeded => "deadline_exceeded",
            StatusCode.Cancelled => "cancelled",
            StatusCode.ResourceExhausted => "message_too_large",
            _ => "unknown_error",
        };
        string detail = info is not null && info.Metadata.TryGetValue("detail", out var d) ? d : (info is null ? e.Status.Detail : "");
        var retry = status?.GetDetail<RetryInfo>()?.RetryDelay?.ToTimeSpan();
        return new MuntException(reason, localized?.Message ?? e.Status.Detail, e.StatusCode, detail, e) { RetryAfter = retry };
    }
}

/// <summary>
/// The ledger recorded the command but did not apply it (an authenticated "no", e.g. <c>insufficient_funds</c>): it
/// is on the chain at <see cref="Height"/>, so it can be shown and audited.
/// </summary>
public sealed class MuntRejectedException(string reason, string localizedMessage, long height, string entryHash)
    : MuntException(reason, localizedMessage, StatusCode.FailedPrecondition, $"recorded at height {height}")
{
    /// <summary>Where the rejection is recorded.</summary>
    public long Height { get; } = height;

    /// <summary>The entry's hash.</summary>
    public string EntryHash { get; } = entryHash;
}
