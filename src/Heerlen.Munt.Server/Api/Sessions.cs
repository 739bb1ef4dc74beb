using System.Collections.Concurrent;
using Grpc.Core;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Sessions;
using Heerlen.Munt.Server.Chain;
using Microsoft.Extensions.Options;

namespace Heerlen.Munt.Server.Api;

/// <summary>Who is calling: an account proven by a session, or nobody.</summary>
/// <param name="Account">The account and its roles now, or null for an anonymous call.</param>
public sealed record Caller(AccountSnapshot? Account)
{
    /// <summary>
    /// True if the caller holds any of <paramref name="roles"/> and is not frozen: on the chain a frozen account can do
    /// nothing, so a frozen officer or auditor must not keep reading everyone's data through the role either.
    /// </summary>
    public bool Has(Roles roles) => Account is { Frozen: false } && (Account.Roles & roles) != 0;

    /// <summary>True if the caller is the account <paramref name="id"/>.</summary>
    public bool Is(AccountId id) => Account is not null && Account.Id == id;
}

/// <summary>
/// Checks sessions (metadata <c>authorization: Bearer hms1.…</c>, see <see cref="SessionToken"/>) and answers the
/// questions every read of personal data asks: who is this, is it their own account, do they hold a role. A checked
/// session is remembered until it expires, so a busy app does not cost a signature check per call.
/// </summary>
public sealed class Sessions(ChainView chain, ISchnorrVerifier verifier, TimeProvider time, Limits limits, IOptions<ServerSettings> settings)
{
    private const int CacheMax = 100_000;
    private readonly ConcurrentDictionary<string, SessionToken> _checked = new(StringComparer.Ordinal);
    private readonly TimeSpan _skew = TimeSpan.FromSeconds(settings.Value.SessionClockSkewSeconds);
    private int _cached;

    /// <summary>The caller, anonymous if no session was sent; a session that was sent must be valid.</summary>
    public Caller Identify(ServerCallContext context)
    {
        string? header = context.RequestHeaders.GetValue("authorization");
        if (string.IsNullOrWhiteSpace(header)) return new Caller(null);
        var language = Languages.Of(context);
        string text = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : header.Trim();
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_checked.TryGetValue(text, out var token))
        {
            if (token.ExpiresAtMs <= now - (long)_skew.TotalMilliseconds)
            {
                if (_checked.TryRemove(text, out _)) Interlocked.Decrement(ref _cached);
                throw ApiErrors.Error("session_expired", language);
            }
        }
        else if (!SessionToken.TryParse(text, out token, out string problem))
        {
            throw ApiErrors.Error("session_invalid", language, problem);
        }
        // The cheap checks first (no signature): the account must exist and the key must be its key now — checked on
        // every call, so after a key rotation the old key's sessions stop at once.
        var account = chain.Account(token!.Account) ?? throw ApiErrors.Error("session_invalid", language, "the session's account does not exist");
        if (account.CurrentKey != token.Key) throw ApiErrors.Error("session_key_not_current", language);
        if (!_checked.ContainsKey(text))
        {
            var check = token.Check(chain.ChainId, now, verifier, _skew);
            switch (check)
            {
                case SessionCheck.Valid: break;
                case SessionCheck.Expired: throw ApiErrors.Error("session_expired", language);
                case SessionCheck.NotYetValid: throw ApiErrors.Error("session_not_yet_valid", language);
                default: throw ApiErrors.Error("session_invalid", language, check.ToString());
            }
            // Only sessions of real accounts with their current key get here, each checked once.
            if (Interlocked.Increment(ref _cached) > CacheMax)
            {
                _checked.Clear();
                Interlocked.Exchange(ref _cached, 1);
            }
            if (!_checked.TryAdd(text, token)) Interlocked.Decrement(ref _cached);
        }
        limits.TakeForKey(account.Id.ToString(), context);
        return new Caller(account);
    }

    /// <summary>A caller with a valid session, or <c>session_required</c>.</summary>
    public Caller Require(ServerCallContext context)
    {
        var caller = Identify(context);
        return caller.Account is null ? throw ApiErrors.Error("session_required", Languages.Of(context)) : caller;
    }

    /// <summary>The caller must be <paramref name="accountText"/> itself.</summary>
    public AccountId RequireSelf(ServerCallContext context, string accountText) => RequireSelfOr(context, accountText, Roles.None);

    /// <summary>The caller must be <paramref name="accountText"/> itself, or hold one of <paramref name="roles"/>.</summary>
    public AccountId RequireSelfOr(ServerCallContext context, string accountText, Roles roles)
    {
        var id = ParseAccount(context, accountText);
        var caller = Require(context);
        if (caller.Is(id) || caller.Has(roles)) return id;
        throw ApiErrors.Error("not_your_account", Languages.Of(context));
    }

    /// <summary>The caller must hold one of <paramref name="roles"/>.</summary>
    public Caller RequireRole(ServerCallContext context, Roles roles)
    {
        var caller = Require(context);
        return caller.Has(roles) ? caller : throw ApiErrors.Error("role_required", Languages.Of(context), $"needs one of: {roles}");
    }

    /// <summary>Reads an <c>hm1…</c> account id or throws <c>invalid_account</c>.</summary>
    public static AccountId ParseAccount(ServerCallContext context, string? text) =>
        AccountId.TryParse(text?.Trim(), out var id) ? id : throw ApiErrors.Error("invalid_account", Languages.Of(context), "expected an hm1… account id");
}
