using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Heerlen.Munt.Storage.Projections;
using Marten;
using StoredWork = Heerlen.Munt.Storage.Projections.JobWork;

namespace Heerlen.Munt.Server.Services;

/// <summary>Personal data, off the chain and erasable (service <c>heerlen.munt.v1.People</c>): one's own only.</summary>
public sealed class PeopleApi(MuntRuntime runtime, Sessions sessions, TimeProvider time) : People.PeopleBase
{
    private const int FieldLengthMax = 200;

    /// <summary>Photos one account may keep stored at once (they are erased with the personal data).</summary>
    public const int PhotosPerAccountMax = 20;
    private static readonly string[] PhotoTypes = ["image/jpeg", "image/png", "image/webp"];

    /// <inheritdoc />
    public override async Task<PersonalData> SavePersonalData(SavePersonalDataRequest request, ServerCallContext context)
    {
        var id = sessions.RequireSelf(context, request.Account);
        if (new[] { request.Name, request.Phone, request.Email, request.Address }.Any(f => f.Length > FieldLengthMax))
            throw ApiErrors.Error("invalid_argument", Languages.Of(context), $"each field has at most {FieldLengthMax} characters");
        if (new[] { request.Name, request.Phone, request.Email, request.Address }.Any(f => !IsPlainText(f)))
            throw ApiErrors.Error("invalid_argument", Languages.Of(context), "no control characters (line breaks only in the address)");
        await runtime.People.SaveAsync(id, request.Name, request.Phone, request.Email, request.Address, time.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken);
        return await Read(id, context);
    }

    /// <summary>
    /// Text a person could type: no control characters but line breaks (an address has lines), and no half of a UTF-16
    /// surrogate pair. PostgreSQL's jsonb cannot hold a NUL (\u0000) at all: saving one failed there and came back as
    /// INTERNAL storage_error (found by RpcFuzzTests with HM_FUZZ_SEED=2026).
    /// </summary>
    private static bool IsPlainText(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c) || (char.IsControl(c) && c is not ('\n' or '\r'))) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override Task<PersonalData> GetPersonalData(GetPersonalDataRequest request, ServerCallContext context) =>
        Read(sessions.RequireSelf(context, request.Account), context);

    /// <inheritdoc />
    public override async Task<ErasePersonalDataResponse> ErasePersonalData(ErasePersonalDataRequest request, ServerCallContext context)
    {
        var id = sessions.RequireSelf(context, request.Account);
        bool had = await runtime.People.FindAsync(id, context.CancellationToken) is not null;
        await using (var session = runtime.Documents.QuerySession())
            had |= await session.Query<Storage.People.JobPhoto>().AnyAsync(p => p.Account == id.ToString(), context.CancellationToken);
        await runtime.People.EraseAsync(id, context.CancellationToken);
        return new ErasePersonalDataResponse { Erased = had };
    }

    /// <inheritdoc />
    public override async Task<UploadJobPhotoResponse> UploadJobPhoto(UploadJobPhotoRequest request, ServerCallContext context)
    {
        var id = sessions.RequireSelf(context, request.Account);
        var language = Languages.Of(context);
        if (!PhotoTypes.Contains(request.ContentType)) throw ApiErrors.Error("photo_type_unsupported", language);
        if (request.Photo.Length == 0 || request.Photo.Length > Storage.People.PersonalData.PhotoBytesMax) throw ApiErrors.Error("photo_too_large", language, $"1 to {Storage.People.PersonalData.PhotoBytesMax} bytes");
        // A photo is evidence of work: only while the account has a job to report, and not without end.
        string account = id.ToString();
        await using (var session = runtime.Documents.QuerySession())
        {
            if (!await session.Query<StoredWork>().AnyAsync(w => w.Worker == account && (w.Status == JobWorkStatus.Enrolled || w.Status == JobWorkStatus.Submitted), context.CancellationToken))
                throw ApiErrors.Error("photo_not_expected", language, "no job is waiting for this account's report");
            if (await session.Query<Storage.People.JobPhoto>().CountAsync(p => p.Account == account, context.CancellationToken) >= PhotosPerAccountMax)
                throw ApiErrors.Error("photo_quota_reached", language, $"at most {PhotosPerAccountMax} photos are kept per account");
        }
        byte[] hash = await runtime.People.SavePhotoAsync(id, request.ContentType, request.Photo.ToByteArray(), context.CancellationToken);
        return new UploadJobPhotoResponse { EvidenceHash = Convert.ToHexStringLower(hash) };
    }

    /// <inheritdoc />
    public override async Task<JobPhoto> GetJobPhoto(GetJobPhotoRequest request, ServerCallContext context)
    {
        var language = Languages.Of(context);
        var owner = Sessions.ParseAccount(context, request.Account);
        var caller = sessions.Require(context);
        byte[] hash;
        try
        {
            hash = Convert.FromHexString(request.EvidenceHash ?? "");
        }
        catch (FormatException)
        {
            throw ApiErrors.Error("invalid_id", language, "evidence_hash is 64 hex digits");
        }
        if (hash.Length != 32) throw ApiErrors.Error("invalid_id", language, "evidence_hash is 64 hex digits");
        if (!caller.Is(owner))
        {
            // An officer sees a photo only as the evidence of work submitted on the chain, to judge it.
            if (!caller.Has(Roles.Officer)) throw ApiErrors.Error("not_your_account", language);
            await using var session = runtime.Documents.QuerySession();
            string worker = owner.ToString(), hex = Convert.ToHexStringLower(hash);
            if (!await session.Query<StoredWork>().AnyAsync(w => w.Worker == worker && w.EvidenceHash == hex, context.CancellationToken))
                throw ApiErrors.Error("not_your_account", language, "this photo is not the evidence of any submitted job");
        }
        var photo = await runtime.People.FindPhotoAsync(owner, hash, context.CancellationToken) ?? throw ApiErrors.Error("photo_not_found", language);
        return new JobPhoto { ContentType = photo.ContentType, Photo = Google.Protobuf.ByteString.CopyFrom(photo.Bytes) };
    }

    private async Task<PersonalData> Read(AccountId id, ServerCallContext context)
    {
        var record = await runtime.People.FindAsync(id, context.CancellationToken) ?? throw ApiErrors.Error("personal_data_not_found", Languages.Of(context));
        return new PersonalData
        {
            Account = id.ToString(),
            Name = record.Name ?? "",
            Phone = record.Phone ?? "",
            Email = record.Email ?? "",
            Address = record.Address ?? "",
            UpdatedAtMs = record.UpdatedAtMs,
        };
    }
}
