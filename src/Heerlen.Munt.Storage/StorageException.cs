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

    /// <summary>Any other database error (a bug or a misconfiguration).</summary>
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
        _ => "storage_error",
    };

    /// <summary>Plain English.</summary>
    public static string English(StorageErrorCode code) => code switch
    {
        StorageErrorCode.ConcurrentWriter => "another server wrote to this chain at the same time; nothing of yours was saved, try again",
        StorageErrorCode.DatabaseUnavailable => "the database cannot be reached right now; nothing of yours was saved, try again in a moment",
        StorageErrorCode.ChainBroken => "the stored chain is damaged, so no new payments are accepted; reading still works",
        StorageErrorCode.DiskFull => "the database is full; nothing of yours was saved",
        StorageErrorCode.ShuttingDown => "the ledger is shutting down; try again in a moment",
        _ => "something went wrong while saving; nothing of yours was saved",
    };

    /// <summary>Plain Dutch (B1).</summary>
    public static string Dutch(StorageErrorCode code) => code switch
    {
        StorageErrorCode.ConcurrentWriter => "een andere server schreef tegelijk in deze keten; er is niets van u opgeslagen, probeer het opnieuw",
        StorageErrorCode.DatabaseUnavailable => "de database is nu niet bereikbaar; er is niets van u opgeslagen, probeer het zo opnieuw",
        StorageErrorCode.ChainBroken => "de opgeslagen keten is beschadigd, daarom worden geen nieuwe betalingen aangenomen; lezen kan nog wel",
        StorageErrorCode.DiskFull => "de database is vol; er is niets van u opgeslagen",
        StorageErrorCode.ShuttingDown => "het grootboek wordt afgesloten; probeer het zo opnieuw",
        _ => "er ging iets mis bij het opslaan; er is niets van u opgeslagen",
    };

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
                case PostgresException pg when pg.SqlState == PostgresErrorCodes.UniqueViolation:
                    return new StorageException(StorageErrorCode.ConcurrentWriter, pg.MessageText, e);
                case PostgresException pg when pg.SqlState is PostgresErrorCodes.DiskFull or PostgresErrorCodes.OutOfMemory:
                    return new StorageException(StorageErrorCode.DiskFull, pg.MessageText, e);
                case PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal):
                    return new StorageException(StorageErrorCode.DatabaseUnavailable, pg.MessageText, e);
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
