using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Heerlen.Munt.Server.Api;

/// <summary>
/// A cap on open connections per client address, for both ports. Kestrel has only a server-wide cap
/// (<c>MaxConcurrentConnections</c>), so without this one address could open connections until that cap or the process's
/// file limit is reached and nobody else gets in (measured before: 60 of 60 connections from one address kept open).
/// A connection over the cap is closed before any byte is read; the call limits never see it.
/// </summary>
public sealed class ConnectionLimits(int perAddress, IEnumerable<IPAddress> trustedProxies, ILogger log)
{
    private readonly HashSet<IPAddress> _trusted = [.. trustedProxies.Select(Normal)];
    private readonly Dictionary<string, int> _open = [];
    private readonly object _gate = new();

    /// <summary>Open connections of an address now (for tests and diagnostics).</summary>
    public int OpenOf(IPAddress address)
    {
        lock (_gate) return _open.GetValueOrDefault(Limits.AddressKey(Normal(address)));
    }

    /// <summary>The connection middleware (<c>ListenOptions.Use</c>).</summary>
    public ConnectionDelegate Use(ConnectionDelegate next) => async connection =>
    {
        var ip = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        // A trusted proxy carries many clients on its connections; they are told apart by their forwarded address in
        // the call limits instead.
        if (ip is null || _trusted.Contains(Normal(ip)))
        {
            await next(connection);
            return;
        }
        string key = Limits.AddressKey(Normal(ip));
        if (!TryOpen(key))
        {
            log.LogDebug("connection from {Address} closed: {PerAddress} open already", key, perAddress);
            connection.Abort(new ConnectionAbortedException("too many connections from this address"));
            return;
        }
        try
        {
            await next(connection);
        }
        finally
        {
            Close(key);
        }
    };

    private bool TryOpen(string key)
    {
        lock (_gate)
        {
            int open = _open.GetValueOrDefault(key);
            if (open >= perAddress) return false;
            _open[key] = open + 1;
            return true;
        }
    }

    private void Close(string key)
    {
        lock (_gate)
        {
            // Forget an address with no open connection, so the table holds only addresses connected now.
            int left = _open.GetValueOrDefault(key) - 1;
            if (left <= 0) _open.Remove(key);
            else _open[key] = left;
        }
    }

    private static IPAddress Normal(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
}
