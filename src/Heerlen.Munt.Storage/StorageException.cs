using System.Net.Sockets;
using JasperFx.Events;
using Npgsql;

namespace Heerlen.Munt.Storage;

/// <summary>What went wrong below the ledger, as a stable code.</summary>
public enum StorageErrorCode
{
    /// <summary>Another writer appended to the chain first; this one must stop and reload.</summary>
    ConcurrentWriter = 1,

    /// <summary>PostgreSQL cannot be reached or went away; try again later.</summary>
    DatabaseUnavailable = 2,

    /// <summary>The stored chain does not verify; writes are refused until someone repairs it.</summary>
    ChainBroken = 3,

    /// <summary>The database disk is full.</summary>
    DiskFull = 4,

    /// <summary>The ledger is shutting down.</summary>
    ShuttingDown = 5,

    /// <summary>A stored row cannot be read as what it should be (someone changed it): the chain is treated as broken there.</summary>
    StoredDataUnreadable = 6,

    /// <summary>Any other database error (a bug or a misconfiguration); its stable name is <c>storage_error</c>.</summary>
    Unexpected = 99,
}

/// <summary>A storage failure with a stable code and a short reason in Dutch (B1) and English.</summary>
public sealed class StorageException(StorageErrorCode code, string detail, Exception? inner = null)
    : Exception($"{StorageErrors.Name(code)}: {StorageErrors.English(code)} ({detail})", inner)
{
    /// <summary>The stable code.</summary>
    public StorageErrorCode Code { get; } = code;

    /// <summary>Technical detail for developers and logs.</summary>
    public string Detail { get; } = detail;

    /// <summary>The reason in plain Dutch.</summary>
    public string Dutch => StorageErrors.Dutch(Code);

    /// <summary>The reason in plain English.</summary>
    public string English => StorageErrors.English(Code);
}

/// <summary>The one place that turns PostgreSQL, Npgsql and Marten errors into <see cref="StorageException"/>.</summary>
public static class StorageErrors
{
    /// <summary>The stable snake_case name of a code.</summary>
    public static string Name(StorageErrorCode code) => code switch
    {
        StorageErrorCode.ConcurrentWriter => "concurrent_writer",
        StorageErrorCode.DatabaseUnavailable => "database_unavailable",
        StorageErrorCode.ChainBroken => "chain_broken",
        StorageErrorCode.DiskFull => "disk_full",
        StorageErrorCode.ShuttingDown => "shutting_down",
        StorageErrorCode.StoredDataUnreadable => "stored_data_unreadable",
        _ => "storage_error",
    };

    /// <summary>Plain English, in whole sentences. Where the outcome is unknown it says so, and that a retry is safe.</summary>
    public static string English(StorageErrorCode code) => code switch
    {
        StorageErrorCode.ConcurrentWriter => "Another server wrote at the same moment, so your request was not saved. Send the same request again.",
        StorageErrorCode.DatabaseUnavailable => "We could not reach the database. We do not know if your request was saved. Send the same request again: it is never counted twice.",
        StorageErrorCode.ChainBroken => "The stored records are damaged, so we accept no new payments for now. You can still look everything up.",
        StorageErrorCode.DiskFull => "The database is full, so your request was not saved. Please try again later.",
        StorageErrorCode.ShuttingDown => "The service is restarting. Send the same request again in a moment: it is never counted twice.",
        StorageErrorCode.StoredDataUnreadable => "Some stored records cannot be read. We accept no new payments until they are repaired. You can still look up the rest.",
        _ => "Something went wrong on our side. We do not know if your request was saved. Send the same request again: it is never counted twice.",
    };

    /// <summary>Plain Dutch (B1), in whole sentences.</summary>
    public static string Dutch(StorageErrorCode code) => code switch
    {
        StorageErrorCode.ConcurrentWriter => "Een andere server schreef op hetzelfde moment. Uw verzoek is niet opgeslagen. Stuur hetzelfde verzoek nog een keer.",
        StorageErrorCode.DatabaseUnavailable => "We konden de database niet bereiken. We weten niet of uw verzoek is opgeslagen. Stuur hetzelfde verzoek nog een keer: het telt nooit twee keer.",
        StorageErrorCode.ChainBroken => "De opgeslagen gegevens zijn beschadigd. Daarom nemen we nu geen nieuwe betalingen aan. U kunt wel alles bekijken.",
        StorageErrorCode.DiskFull => "De database is vol. Uw verzoek is niet opgeslagen. Probeer het later nog een keer.",
        StorageErrorCode.ShuttingDown => "De dienst start opnieuw op. Stuur hetzelfde verzoek zo nog een keer: het telt nooit twee keer.",
        StorageErrorCode.StoredDataUnreadable => "Sommige opgeslagen gegevens kunnen we niet lezen. Tot ze hersteld zijn, nemen we geen nieuwe betalingen aan. U kunt de rest wel bekijken.",
        _ => "Er ging bij ons iets mis. We weten niet of uw verzoek is opgeslagen. Stuur hetzelfde verzoek nog een keer: het telt nooit twee keer.",
    };

    /// <summary>
    /// Like <see cref="Translate"/>, for reading stored rows: an error in the row itself (its JSON no longer reads as the
    /// event it should be) becomes <see cref="StorageErrorCode.StoredDataUnreadable"/>; a database error stays what it is.
    /// </summary>
    public static StorageException TranslateRead(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is System.Text.Json.JsonException or InvalidDataException or FormatException or InvalidCastException)
                return new StorageException(StorageErrorCode.StoredDataUnreadable, x.Message, e);
        return Translate(e);
    }

    /// <summary>Translates an exception from Marten, Npgsql or PostgreSQL; returns it unchanged if it already is one.</summary>
    public static StorageException Translate(Exception e)
    {
        if (e is StorageException s) return s;
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case EventStreamUnexpectedMaxEventIdException:
                case Marten.Exceptions.ExistingStreamIdCollisionException:
                case JasperFx.ConcurrencyException:
                    return new StorageException(StorageErrorCode.ConcurrentWriter, x.Message, e);
                case PostgresException pg when pg.SqlState == PostgresErrorCodes.UniqueViolation && pg.TableName is "mt_events" or "mt_streams":
                    return new StorageException(StorageErrorCode.ConcurrentWriter, pg.MessageText, e);
                case PostgresException pg when pg.SqlState == PostgresErrorCodes.DiskFull:
                    return new StorageException(StorageErrorCode.DiskFull, pg.MessageText, e);
                case PostgresException pg when pg.SqlState == PostgresErrorCodes.TooManyConnections
                                             || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal):
                    return new StorageException(StorageErrorCode.DatabaseUnavailable, pg.MessageText, e);
                case PostgresException:
                    return new StorageException(StorageErrorCode.Unexpected, x.Message, e);
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                case TimeoutException:
                    return new StorageException(StorageErrorCode.DatabaseUnavailable, x.Message, e);
                case NpgsqlException when x is not PostgresException && x.InnerException is null or System.IO.IOException or SocketException:
                    return new StorageException(StorageErrorCode.DatabaseUnavailable, x.Message, e);
            }
        }
        return new StorageException(StorageErrorCode.Unexpected, e.Message, e);
    }
}
