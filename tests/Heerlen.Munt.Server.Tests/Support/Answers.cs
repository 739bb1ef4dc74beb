using Grpc.Core;
using Heerlen.Munt.Client;

namespace Heerlen.Munt.Server.Tests.Support;

/// <summary>What a call answered, in the words the access matrix and the edge tests compare: "allowed" or a reason code.</summary>
public static class Answers
{
    /// <summary>The call was served.</summary>
    public const string Allowed = "allowed";

    /// <summary>Runs <paramref name="call"/>: <see cref="Allowed"/>, or the server's reason code (google.rpc.ErrorInfo) read the way the SDK reads it.</summary>
    public static async Task<string> OfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return Allowed;
        }
        catch (RpcException e)
        {
            return MuntException.From(e).Reason;
        }
        catch (MuntException e)
        {
            return e.Reason;
        }
    }

    /// <summary>Reads the first message of a server stream (so the server is surely running the call), then ends the call.</summary>
    public static async Task FirstAsync<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            if (!await call.ResponseStream.MoveNext(CancellationToken.None)) throw new InvalidOperationException("the stream ended without a message");
        }
    }

    /// <summary>The call options the SDK would send: English, a deadline, and the session text if any.</summary>
    public static CallOptions Options(string? session, CancellationToken ct = default) =>
        OptionsWithHeader(session is null ? null : "Bearer " + session, ct);

    /// <summary>The call options with this exact <c>authorization</c> header (null: none), e.g. to send garbage.</summary>
    public static CallOptions OptionsWithHeader(string? authorization, CancellationToken ct = default)
    {
        var headers = new Metadata { { "accept-language", "en" } };
        if (authorization is not null) headers.Add("authorization", authorization);
        return new CallOptions(headers, DateTime.UtcNow.AddSeconds(30), ct);
    }
}
