namespace Heerlen.Munt.Ledger;

/// <summary>The languages every message of the ledger speaks.</summary>
public enum Language
{
    /// <summary>Plain Dutch (B1).</summary>
    Dutch,

    /// <summary>English.</summary>
    English,
}
