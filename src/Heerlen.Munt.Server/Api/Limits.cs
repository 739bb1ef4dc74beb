using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace Heerlen.Munt.Server.Api;

/// <summary>
/// Token buckets per client address and per account, so that one client flooding the server is slowed down while
/// everyone else is served; and a cap on open streams per address. Refusals are <c>rate_limited</c> (RESOURCE_EXHAUSTED).
/// </summary>
public sealed class Limits : IDisposable
{
    private readonly LimitSettings _settings;
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _perKey;
    private readonly PartitionedRateLimiter<string> _submitsPerAddress;
    private readonly ConcurrentDictionary<string, int> _streams = new();
    private readonly object _streamGate = new();

    /// <summary>Makes the limiters from the settings.</summary>
    public Limits(IOptions<ServerSettings> settings)
    {
        _settings = settings.Value.Limits;
        _perAddress = Buckets(_settings.PerAddressPerSecond, _settings.PerAddressBurst);
        _perKey = Buckets(_settings.PerKeyPerSecond, _settings.PerKeyBurst);
        _submitsPerAddress = Buckets(_settings.SubmitsPerAddressPerSecond, _settings.SubmitsPerAddressBurst);
    }

    /// <summary>
    /// Takes a token for a submitted command from the caller's address. Every accepted command is an entry kept for
    /// ever (a rejection too) and accounts cost nothing to open, so submits get a budget of their own per address.
    /// </summary>
    public void TakeSubmitForAddress(ServerCallContext context)
    {
        using var lease = _submitsPerAddress.AttemptAcquire(AddressOf(context));
        if (!lease.IsAcquired) throw Refused(lease, context, "too many commands from this address");
    }

    /// <summary>Takes a token for the caller's address or throws <c>rate_limited</c>.</summary>
    public void TakeForAddress(ServerCallContext context)
    {
        using var lease = _perAddress.AttemptAcquire(AddressOf(context));
        if (!lease.IsAcquired) throw Refused(lease, context, "too many calls from this address");
    }

    /// <summary>Takes a token for an account or throws <c>rate_limited</c>.</summary>
    public void TakeForKey(string account, ServerCallContext context)
    {
        using var lease = _perKey.AttemptAcquire(account);
        if (!lease.IsAcquired) throw Refused(lease, context, "too many calls for this account");
    }

    /// <summary>Counts an open stream for the caller's address until the returned handle is disposed.</summary>
    public IDisposable OpenStream(ServerCallContext context)
    {
        string address = AddressOf(context);
        lock (_streamGate)
        {
            int open = _streams.GetValueOrDefault(address);
            if (open >= _settings.StreamsPerAddress) throw ApiErrors.RateLimited(context, "too many open streams from this address", TimeSpan.FromSeconds(5));
            _streams[address] = open + 1;
        }
        return new StreamHandle(() =>
        {
            lock (_streamGate)
            {
                // Forget an address with no open stream, so the table does not grow with every address ever seen.
                int left = _streams.GetValueOrDefault(address) - 1;
                if (left <= 0) _streams.TryRemove(address, out _);
                else _streams[address] = left;
            }
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _perAddress.Dispose();
        _perKey.Dispose();
        _submitsPerAddress.Dispose();
    }

    /// <summary>
    /// The client's address as a limit key: IPv4 as it is, IPv6 by its /64 prefix (one household or phone gets a whole
    /// /64, so counting single IPv6 addresses would give one client billions of budgets). Behind a trusted proxy this
    /// is the forwarded address (<c>Munt:TrustedProxies</c>).
    /// </summary>
    internal static string AddressOf(ServerCallContext context) => AddressKey(context.GetHttpContext().Connection.RemoteIpAddress);

    /// <summary>An address as a limit key (see <see cref="AddressOf"/>).</summary>
    internal static string AddressKey(System.Net.IPAddress? ip)
    {
        if (ip is null) return "unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return ip.ToString();
        byte[] bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    /// <summary>
    /// The refusal, with the bucket's own estimate of when a token is back (a token bucket knows it) as the retry hint.
    /// </summary>
    private static RpcException Refused(RateLimitLease lease, ServerCallContext context, string detail) =>
        ApiErrors.RateLimited(context, detail, lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1));

    /// <summary>
    /// Buckets per key. The runtime's partitioned limiter forgets a key whose bucket has been full (idle) for about ten
    /// seconds, so the tables hold only the addresses and accounts of the last seconds, not every one ever seen.
    /// </summary>
    private static PartitionedRateLimiter<string> Buckets(int perSecond, int burst) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = Math.Max(1, perSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private sealed class StreamHandle(Action release) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) release();
        }
    }
}

/// <summary>
/// Runs around every call: the per-address limit first, then the call; a storage failure or an unexpected exception
/// becomes a clear API error (the details go to the log, not to the client).
/// </summary>
public sealed class ApiInterceptor(Limits limits, IOptions<ServerSettings> settings, ILogger<ApiInterceptor> log) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        limits.TakeForAddress(context);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        limits.TakeForAddress(context);
        using var stream = limits.OpenStream(context);
        var writer = new TimedStreamWriter<TResponse>(responseStream, context, TimeSpan.FromSeconds(settings.Value.Limits.StreamWriteTimeoutSeconds));
        try
        {
            await continuation(request, writer, context);
        }
        catch (Exception) when (writer.TimedOut)
        {
            // the client stopped reading: the stream was reset, its place is free again
            log.LogInformation("{Method}: the client took no message for {Seconds} s, stream ended", context.Method, settings.Value.Limits.StreamWriteTimeoutSeconds);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // the client went away or its deadline passed: nothing to answer
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    private RpcException Translate(Exception e, ServerCallContext context)
    {
        var language = Languages.Of(context);
        if (e is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
            return new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled or its deadline passed")); // nobody is listening
        if (e is not Storage.StorageException && IsDatabaseFailure(e)) e = Storage.StorageErrors.TranslateRead(e);
        if (e is Storage.StorageException storage)
        {
            log.LogWarning("storage failure in {Method}: {Code} {Detail}", context.Method, storage.Code, storage.Detail);
            return ApiErrors.Storage(storage, language);
        }
        log.LogError(e, "unexpected failure in {Method}", context.Method);
        return ApiErrors.Error("internal_error", language, context.GetHttpContext().TraceIdentifier);
    }

    /// <summary>A PostgreSQL, Npgsql or Marten failure (on a read: the writes translate their own).</summary>
    private static bool IsDatabaseFailure(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is Npgsql.NpgsqlException || x.GetType().Namespace?.StartsWith("Marten", StringComparison.Ordinal) == true) return true;
        return false;
    }
}

/// <summary>
/// A stream writer that ends the call when one message is not taken by the client in time. HTTP/2 flow control stops
/// the server's writes while a client reads nothing, and Kestrel's minimum response rate does not count that time, so
/// without this a stream that nobody reads would hold its buffers and its address's stream place for ever (measured:
/// still held after 40 s; see docs/reliability.md).
/// </summary>
internal sealed class TimedStreamWriter<T>(IServerStreamWriter<T> inner, ServerCallContext context, TimeSpan timeout) : IServerStreamWriter<T>
{
    private int _timedOut;

    /// <summary>True once a write took longer than the timeout and the call was aborted.</summary>
    public bool TimedOut => Volatile.Read(ref _timedOut) == 1;

    /// <inheritdoc />
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    /// <inheritdoc />
    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout);
        // Abort resets the HTTP/2 stream (or closes the HTTP/1.1 connection): the blocked write fails at once and the
        // call's cancellation token fires, so the service's loop ends too.
        using var abort = timer.Token.Register(() =>
        {
            Volatile.Write(ref _timedOut, 1);
            context.GetHttpContext().Abort();
        });
        await inner.WriteAsync(message, cancellationToken);
    }
}
