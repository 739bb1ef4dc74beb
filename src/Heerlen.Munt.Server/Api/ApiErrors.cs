using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Storage;

namespace Heerlen.Munt.Server.Api;

/// <summary>
/// Every error the API gives: a gRPC status code, a stable snake_case reason (google.rpc.ErrorInfo) and a reason for
/// people in plain Dutch (B1) and English (google.rpc.LocalizedMessage in the language asked for). The catalogue is
/// closed; docs/operations.md lists it.
/// </summary>
public static class ApiErrors
{
    /// <summary>The ErrorInfo domain.</summary>
    public const string Domain = "munt.heerlen.nl";

    private static readonly Dictionary<string, (StatusCode Status, string Dutch, string English)> Catalogue = new()
    {
        ["session_required"] = (StatusCode.Unauthenticated, "Meld u eerst aan met uw app.", "Sign in with your app first."),
        ["session_invalid"] = (StatusCode.Unauthenticated, "Uw aanmelding klopt niet. Meld u opnieuw aan.", "Your sign-in is not valid. Please sign in again."),
        ["session_expired"] = (StatusCode.Unauthenticated, "Uw aanmelding is verlopen. Meld u opnieuw aan.", "Your sign-in has expired. Please sign in again."),
        ["session_not_yet_valid"] = (StatusCode.Unauthenticated, "De klok van uw telefoon loopt voor. Zet de tijd goed en meld u opnieuw aan.", "Your phone's clock is ahead. Set the time and sign in again."),
        ["session_key_not_current"] = (StatusCode.Unauthenticated, "Uw aanmelding is gemaakt met een sleutel die niet (meer) bij dit account hoort. Meld u opnieuw aan.", "Your sign-in was made with a key that does not (or no longer) belong to this account. Please sign in again."),
        ["not_your_account"] = (StatusCode.PermissionDenied, "U kunt alleen de gegevens van uw eigen account zien.", "You can only see the data of your own account."),
        ["role_required"] = (StatusCode.PermissionDenied, "Uw account mag dit niet.", "Your account is not allowed to do this."),
        ["merchant_not_active"] = (StatusCode.FailedPrecondition, "Uw winkel kan nu geen betalingen ontvangen (geschorst of bevroren). Neem contact op met de gemeente.", "Your shop cannot receive payments now (suspended or frozen). Please contact the municipality."),
        ["invalid_account"] = (StatusCode.InvalidArgument, "Dit accountnummer klopt niet.", "This account id is not valid."),
        ["invalid_id"] = (StatusCode.InvalidArgument, "Dit nummer klopt niet.", "This id is not valid."),
        ["invalid_amount"] = (StatusCode.InvalidArgument, "Dit bedrag kan niet.", "This amount is not possible."),
        ["invalid_argument"] = (StatusCode.InvalidArgument, "Het verzoek klopt niet.", "The request is not valid."),
        ["invalid_day"] = (StatusCode.InvalidArgument, "Deze datum klopt niet. Gebruik jjjj-mm-dd.", "This date is not valid. Use yyyy-mm-dd."),
        ["entry_not_found"] = (StatusCode.NotFound, "Deze regel staat (nog) niet in de keten.", "This entry is not (yet) in the chain."),
        ["account_not_found"] = (StatusCode.NotFound, "Dit account bestaat niet.", "This account does not exist."),
        ["job_not_found"] = (StatusCode.NotFound, "Deze klus bestaat niet.", "This job does not exist."),
        ["campaign_not_found"] = (StatusCode.NotFound, "Deze actie bestaat niet.", "This campaign does not exist."),
        ["job_text_not_found"] = (StatusCode.NotFound, "Deze klus heeft nog geen titel en beschrijving.", "This job has no title and description yet."),
        ["job_title_required"] = (StatusCode.InvalidArgument, "Geef de klus een titel.", "Give the job a title."),
        ["job_title_too_long"] = (StatusCode.InvalidArgument, "De titel is te lang. Gebruik hoogstens 80 tekens.", "The title is too long. Use at most 80 characters."),
        ["job_description_too_long"] = (StatusCode.InvalidArgument, "De beschrijving is te lang. Gebruik hoogstens 1000 tekens.", "The description is too long. Use at most 1000 characters."),
        ["job_text_invalid"] = (StatusCode.InvalidArgument, "De tekst kan zo niet. Een titel is één regel, en een Engelse beschrijving heeft ook een Engelse titel nodig.", "The text cannot be used like this. A title is one line, and an English description needs an English title too."),
        ["payment_request_not_found"] = (StatusCode.NotFound, "Deze betaalcode bestaat niet of is verlopen. Vraag de winkel om een nieuwe.", "This payment code does not exist or has expired. Ask the shop for a new one."),
        ["checkpoint_not_found"] = (StatusCode.NotFound, "Er is (nog) geen controlepunt met deze grootte.", "There is no checkpoint of this size (yet)."),
        ["personal_data_not_found"] = (StatusCode.NotFound, "Er zijn geen persoonsgegevens bewaard.", "No personal data is stored."),
        ["photo_not_found"] = (StatusCode.NotFound, "Deze foto is er niet (meer).", "This photo does not exist (any more)."),
        ["photo_too_large"] = (StatusCode.InvalidArgument, "De foto is te groot. Maak een kleinere foto (hoogstens 2 MB).", "The photo is too large. Take a smaller one (at most 2 MB)."),
        ["photo_type_unsupported"] = (StatusCode.InvalidArgument, "Stuur een foto als JPEG, PNG of WebP.", "Send a photo as JPEG, PNG or WebP."),
        ["photo_not_expected"] = (StatusCode.FailedPrecondition, "U kunt alleen een foto sturen van een klus waarvoor u bent ingeschreven.", "You can only send a photo for a job you have signed up for."),
        ["photo_quota_reached"] = (StatusCode.ResourceExhausted, "U heeft al veel foto's gestuurd. Wacht tot de gemeente ze heeft bekeken.", "You have sent many photos already. Wait until the municipality has looked at them."),
        ["rate_limited"] = (StatusCode.ResourceExhausted, "Te veel verzoeken tegelijk. Wacht even en probeer het opnieuw.", "Too many requests at once. Wait a moment and try again."),
        ["outcome_unknown"] = (StatusCode.Unavailable, "We weten nog niet of het gelukt is. Probeer het opnieuw: u betaalt nooit twee keer.", "We do not know yet whether it worked. Try again: you will never pay twice."),
        ["internal_error"] = (StatusCode.Internal, "Er ging iets mis bij ons. Probeer het later opnieuw.", "Something went wrong on our side. Please try again later."),
    };

    /// <summary>Every API reason code (without the ledger's and storage's, which are listed with them).</summary>
    public static IEnumerable<string> Codes => Catalogue.Keys;

    /// <summary>The words of an API reason code.</summary>
    public static string Reason(string code, Language language) =>
        Catalogue.TryGetValue(code, out var t) ? (language == Language.Dutch ? t.Dutch : t.English) : throw new ArgumentOutOfRangeException(nameof(code), code, "an API error without words is a bug");

    /// <summary>An API error with a developer detail (English, no personal data).</summary>
    public static RpcException Error(string code, Language language, string detail = "")
    {
        var (status, dutch, english) = Catalogue.TryGetValue(code, out var t) ? t : throw new ArgumentOutOfRangeException(nameof(code), code, "unknown API error");
        return Build(status, code, language == Language.Dutch ? dutch : english, english, language, detail);
    }

    /// <summary>
    /// <c>rate_limited</c> with a hint when to try again: google.rpc.RetryInfo for gRPC clients and a <c>Retry-After</c>
    /// header (whole seconds, at least 1) for HTTP clients, so a well-behaved client waits instead of hammering.
    /// </summary>
    public static RpcException RateLimited(ServerCallContext context, string detail, TimeSpan retryAfter)
    {
        var wait = retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter;
        var http = context.GetHttpContext();
        if (!http.Response.HasStarted) http.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var language = Languages.Of(context);
        var (status, dutch, english) = Catalogue["rate_limited"];
        return Build(status, "rate_limited", language == Language.Dutch ? dutch : english, english, language, detail, new RetryInfo { RetryDelay = Duration.FromTimeSpan(wait) });
    }

    /// <summary>A refusal of the ledger (codes 1-99) as an API error.</summary>
    public static RpcException Refusal(RejectionCode code, Language language, string detail = "")
    {
        var status = code switch
        {
            RejectionCode.MalformedCommand or RejectionCode.CommandTooLarge or RejectionCode.UnsupportedVersion
                or RejectionCode.UnknownCommandType or RejectionCode.WrongChainId => StatusCode.InvalidArgument,
            RejectionCode.BadSignature => StatusCode.Unauthenticated,
            RejectionCode.UnknownSigner or RejectionCode.SignerKeyMismatch or RejectionCode.SignaturesDoNotFit
                or RejectionCode.CosignerRequired or RejectionCode.CosignerInvalid => StatusCode.PermissionDenied,
            RejectionCode.CommandIdReused => StatusCode.AlreadyExists,
            _ => StatusCode.FailedPrecondition,
        };
        return Build(status, Rejections.Code(code), Rejections.Reason(code, language), Rejections.Reason(code, Language.English), language, detail);
    }

    /// <summary>A storage failure as an API error (the chain's own words for it).</summary>
    public static RpcException Storage(StorageException e, Language language)
    {
        var status = e.Code switch
        {
            StorageErrorCode.ChainBroken => StatusCode.FailedPrecondition,
            StorageErrorCode.Unexpected => StatusCode.Internal,
            _ => StatusCode.Unavailable,
        };
        return Build(status, StorageErrors.Name(e.Code), language == Language.Dutch ? e.Dutch : e.English, e.English, language, e.Code == StorageErrorCode.ChainBroken ? e.Detail : "");
    }

    private static RpcException Build(StatusCode status, string reason, string localized, string english, Language language, string detail, RetryInfo? retry = null)
    {
        var info = new ErrorInfo { Reason = reason, Domain = Domain };
        if (detail.Length > 0) info.Metadata["detail"] = detail;
        var rpcStatus = new Google.Rpc.Status
        {
            Code = (int)status,
            Message = $"{reason}: {english}",
            Details =
            {
                Any.Pack(info),
                Any.Pack(new LocalizedMessage { Locale = language == Language.Dutch ? "nl" : "en", Message = localized }),
            },
        };
        if (retry is not null) rpcStatus.Details.Add(Any.Pack(retry));
        return rpcStatus.ToRpcException();
    }
}
