namespace Heerlen.Munt.Storage.Postgres;

/// <summary>
/// The embedded cluster could not be created, started or stopped. The message is meant for a person: it names
/// the command, its output and the last lines of the PostgreSQL log (port in use, permissions, ...).
/// </summary>
public sealed class EmbeddedPostgresException : Exception
{
    /// <summary>Makes the exception with a message for a person.</summary>
    public EmbeddedPostgresException(string message)
        : base(message)
    {
    }

    /// <summary>Makes the exception with a message for a person and the error that caused it.</summary>
    public EmbeddedPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
