using System.Security.Cryptography;
using Heerlen.Munt.Ledger.Accounts;
using Marten;

namespace Heerlen.Munt.Storage.People;

/// <summary>
/// What the municipality needs to know about a person, kept off the chain and keyed by their pseudonymous
/// account id, so that it can be erased without touching the chain.
/// </summary>
public sealed class PersonalRecord
{
    /// <summary>The account id (<c>hm1…</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Phone number.</summary>
    public string? Phone { get; set; }

    /// <summary>E-mail address.</summary>
    public string? Email { get; set; }

    /// <summary>Postal address.</summary>
    public string? Address { get; set; }

    /// <summary>When it was last changed (unix ms).</summary>
    public long UpdatedAtMs { get; set; }
}

/// <summary>A job photo (evidence); the chain holds only its SHA-256.</summary>
public sealed class JobPhoto
{
    /// <summary><c>account/sha256</c>: per person, so that two people's identical photos stay two photos, erased separately.</summary>
    public string Id { get; set; } = "";

    /// <summary>SHA-256 of the bytes, hex: the evidence hash on the chain.</summary>
    public string Hash { get; set; } = "";

    /// <summary>Whose photo.</summary>
    public string Account { get; set; } = "";

    /// <summary>E.g. <c>image/jpeg</c>.</summary>
    public string ContentType { get; set; } = "";

    /// <summary>The photo.</summary>
    public byte[] Bytes { get; set; } = [];
}

/// <summary>Reads, writes and erases personal data. Never writes to the chain.</summary>
public sealed class PersonalData(IDocumentStore store)
{
    /// <summary>Largest photo accepted.</summary>
    public const int PhotoBytesMax = 2 * 1024 * 1024;

    /// <summary>Stores (replaces) a person's record.</summary>
    public async Task SaveAsync(AccountId account, string? name, string? phone, string? email, string? address, long nowMs, CancellationToken ct = default)
    {
        await using var session = store.LightweightSession();
        session.Store(new PersonalRecord { Id = account.ToString(), Name = Clean(name), Phone = Clean(phone), Email = Clean(email), Address = Clean(address), UpdatedAtMs = nowMs });
        await Save(session, ct);
    }

    /// <summary>A person's record, or null.</summary>
    public async Task<PersonalRecord?> FindAsync(AccountId account, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<PersonalRecord>(account.ToString(), ct);
    }

    /// <summary>Stores a job photo and returns its SHA-256, the evidence hash to put in SubmitCompletion.</summary>
    public async Task<byte[]> SavePhotoAsync(AccountId account, string contentType, byte[] bytes, CancellationToken ct = default)
    {
        if (bytes.Length is 0 or > PhotoBytesMax) throw new ArgumentException($"a photo must be 1 to {PhotoBytesMax} bytes", nameof(bytes));
        byte[] hash = SHA256.HashData(bytes);
        await using var session = store.LightweightSession();
        string hex = Convert.ToHexStringLower(hash);
        session.Store(new JobPhoto { Id = PhotoId(account, hex), Hash = hex, Account = account.ToString(), ContentType = contentType, Bytes = bytes });
        await Save(session, ct);
        return hash;
    }

    /// <summary>An account's photo by its evidence hash, or null (also after erasure).</summary>
    public async Task<JobPhoto?> FindPhotoAsync(AccountId account, byte[] evidenceHash, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<JobPhoto>(PhotoId(account, Convert.ToHexStringLower(evidenceHash)), ct);
    }

    private static string PhotoId(AccountId account, string hashHex) => account + "/" + hashHex;

    /// <summary>
    /// Erases everything personal about an account: its record and its photos, for good (hard delete). The chain
    /// keeps the pseudonymous id and the photos' hashes, which identify no one without the erased data.
    /// </summary>
    public async Task EraseAsync(AccountId account, CancellationToken ct = default)
    {
        string id = account.ToString();
        await using var session = store.LightweightSession();
        session.HardDelete<PersonalRecord>(id);
        session.HardDeleteWhere<JobPhoto>(p => p.Account == id);
        await Save(session, ct);
    }

    private static async Task Save(IDocumentSession session, CancellationToken ct)
    {
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageErrors.Translate(e);
        }
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
