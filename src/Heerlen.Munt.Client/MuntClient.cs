using Grpc.Core;
using Grpc.Net.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Sessions;

namespace Heerlen.Munt.Client;

/// <summary>Options of a <see cref="MuntClient"/>.</summary>
public sealed record MuntClientOptions
{
    /// <summary>"nl" or "en": the language of error messages and history lines.</summary>
    public string Language { get; init; } = "nl";

    /// <summary>How often a submit is tried in all when the server is unavailable or busy (the same bytes each time).</summary>
    public int SubmitAttempts { get; init; } = 5;

    /// <summary>The first wait between attempts; it doubles each time.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The deadline of one call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a command stays valid after it is signed.</summary>
    public TimeSpan CommandLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a session lasts.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>What happened to a submitted command that was applied.</summary>
/// <param name="Height">Its entry's height.</param>
/// <param name="EntryHash">Its entry's hash (hex).</param>
/// <param name="WasRetry">True if the server had it already (a retry): it was done once, not twice.</param>
/// <param name="Command">The command's id (a refund names a payment by it; a settlement names a redemption by it).</param>
public sealed record Submitted(long Height, string EntryHash, bool WasRetry, Heerlen.Munt.Ledger.Commands.CommandId Command);

/// <summary>
/// A connection to a Heerlen Munt server (gRPC over HTTP/2). Knows the chain id and the server's clock, submits signed
/// commands with safe retries, and makes sessions. <see cref="As"/> gives a wallet's view with a command for every
/// ledger operation. Thread-safe; make one per server and keep it.
/// </summary>
public sealed class MuntClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private ChainInfo? _info;
    private long _clockOffsetMs;

    /// <summary>The server's address, as given.</summary>
    public string Address { get; }

    /// <summary>Connects to <paramref name="address"/> (e.g. <c>http://127.0.0.1:5081</c>).</summary>
    public MuntClient(string address, MuntClientOptions? options = null)
    {
        Options = options ?? new MuntClientOptions();
        Address = address;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 8 * 1024 * 1024 });
        Ledger = new Contracts.V1.Ledger.LedgerClient(_channel);
        Wallets = new Contracts.V1.Wallet.WalletClient(_channel);
        Jobs = new Jobs.JobsClient(_channel);
        Merchants = new Merchants.MerchantsClient(_channel);
        Audit = new Audit.AuditClient(_channel);
        Statistics = new Statistics.StatisticsClient(_channel);
        People = new People.PeopleClient(_channel);
        Participation = new Participation.ParticipationClient(_channel);
    }

    /// <summary>The options.</summary>
    public MuntClientOptions Options { get; }

    /// <summary>The generated clients, for calls this class does not wrap.</summary>
    public Contracts.V1.Ledger.LedgerClient Ledger { get; }

    /// <summary>Wallet reads.</summary>
    public Contracts.V1.Wallet.WalletClient Wallets { get; }

    /// <summary>The job board.</summary>
    public Jobs.JobsClient Jobs { get; }

    /// <summary>The till.</summary>
    public Merchants.MerchantsClient Merchants { get; }

    /// <summary>Checkpoints and proofs.</summary>
    public Audit.AuditClient Audit { get; }

    /// <summary>Figures.</summary>
    public Statistics.StatisticsClient Statistics { get; }

    /// <summary>Personal data.</summary>
    public People.PeopleClient People { get; }

    /// <summary>Participation campaigns (public).</summary>
    public Participation.ParticipationClient Participation { get; }

    /// <summary>The chain's id and keys (asked once, then remembered; <paramref name="refresh"/> asks again).</summary>
    public async Task<ChainInfo> ChainInfoAsync(bool refresh = false, CancellationToken ct = default)
    {
        if (_info is not null && !refresh) return _info;
        var info = await CallAsync(o => Ledger.GetChainInfoAsync(new GetChainInfoRequest(), o), null, ct);
        Interlocked.Exchange(ref _clockOffsetMs, info.ServerTimeMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _info = info;
        return info;
    }

    /// <summary>The server's clock as best known (this machine's clock corrected by what the server said).</summary>
    public long ServerNowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + Interlocked.Read(ref _clockOffsetMs);

    /// <summary>A wallet's view: its commands, sessions and reads.</summary>
    public MuntActor As(Wallet wallet) => new(this, wallet);

    /// <summary>
    /// Submits a signed command. When the server is unavailable, busy, or does not answer in time, the same bytes are
    /// sent again (with growing waits, at least as long as a throttled server asks): the command id inside makes a retry return the first outcome, so nothing is
    /// ever done twice. Throws <see cref="MuntRejectedException"/> when the ledger recorded a rejection and
    /// <see cref="MuntException"/> for every other "no"; after the last attempt on a transient failure, the exception's
    /// <see cref="MuntException.Unsettled"/> is the command to send again later.
    /// </summary>
    public async Task<Submitted> SubmitAsync(SignedCommand command, CancellationToken ct = default)
    {
        var request = new SubmitCommandRequest { Envelope = Google.Protobuf.ByteString.CopyFrom(command.Envelope) };
        TimeSpan wait = Options.RetryDelay;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var reply = await CallAsync(o => Ledger.SubmitCommandAsync(request, o), null, ct);
                if (!reply.Applied) throw new MuntRejectedException(reply.Outcome.Code, reply.Outcome.Message, reply.Height, reply.EntryHash);
                return new Submitted(reply.Height, reply.EntryHash, reply.Retry, command.Command.Header.Id);
            }
            catch (MuntException e) when (e.IsTransient && e.Reason != "message_too_large" && attempt < Options.SubmitAttempts)
            {
                // A throttled server says when a token is back; waiting less would only be refused again.
                await Task.Delay(e.RetryAfter is { } after && after > wait ? after : wait, ct);
                wait *= 2;
            }
            catch (MuntException e) when (e.IsTransient && e.Reason != "message_too_large")
            {
                throw e.WithUnsettled(command);
            }
        }
    }

    /// <summary>A fresh session for a wallet (signed here with its key; nothing is sent).</summary>
    public async Task<SessionToken> NewSessionAsync(Wallet wallet, CancellationToken ct = default)
    {
        var info = await ChainInfoAsync(ct: ct);
        return SessionToken.Create(info.ChainId, wallet.Account, wallet.Key, ServerNowMs - 1000, Options.SessionLifetime);
    }

    /// <summary>Runs one call with the language header, a deadline, and the session if given; server errors become <see cref="MuntException"/>.</summary>
    public async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, SessionToken? session, CancellationToken ct = default)
    {
        try
        {
            return await call(CallOptionsFor(session, ct));
        }
        catch (RpcException e)
        {
            throw MuntException.From(e);
        }
    }

    /// <summary>The call options every call uses: language, deadline, session.</summary>
    public CallOptions CallOptionsFor(SessionToken? session, CancellationToken ct, TimeSpan? timeout = null)
    {
        var headers = new Metadata { { "accept-language", Options.Language } };
        if (session is not null) headers.Add("authorization", "Bearer " + session.ToText());
        return new CallOptions(headers, timeout is { } t && t == Timeout.InfiniteTimeSpan ? null : DateTime.UtcNow + (timeout ?? Options.CallTimeout), ct);
    }

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
