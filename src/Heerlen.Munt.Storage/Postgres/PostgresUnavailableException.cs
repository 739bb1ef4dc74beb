namespace Heerlen.Munt.Storage.Postgres;

/// <summary>
/// PostgreSQL's server programs (initdb, pg_ctl, postgres) are not on this machine. The message says, in English
/// and in Dutch, which package to install, so a person can fix it without reading code.
/// </summary>
public sealed class PostgresUnavailableException : Exception
{
    /// <summary>Makes the exception; <paramref name="searched"/> lists the places that were looked at.</summary>
    public PostgresUnavailableException(string searched)
        : base(
            $"PostgreSQL is not installed: initdb and pg_ctl were not found (searched: {searched}). "
            + $"Install it with: apt-get install -y postgresql (or set {PostgresBinaries.BinDirectoryVariable} to its bin directory).\n"
            + $"PostgreSQL is niet geïnstalleerd: initdb en pg_ctl zijn niet gevonden (gezocht in: {searched}). "
            + $"Installeer het met: apt-get install -y postgresql (of zet {PostgresBinaries.BinDirectoryVariable} op de bin-map van PostgreSQL).")
    {
        Searched = searched;
    }

    /// <summary>The places that were looked at, for the log.</summary>
    public string Searched { get; }
}
