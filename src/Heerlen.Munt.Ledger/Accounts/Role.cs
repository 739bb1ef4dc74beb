namespace Heerlen.Munt.Ledger.Accounts;

/// <summary>
/// What an account may do. Stored on the wire as one byte per role (see docs/chain-format.md);
/// the numbers are part of the chain format: to be versioned with care.
/// </summary>
[Flags]
public enum Roles : byte
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>The municipality's root key: grants officers, auditors and modules. Kept offline.</summary>
    Issuer = 1,

    /// <summary>A municipal officer: mints budgets, publishes and approves jobs, admits shops, settles redemptions.</summary>
    Officer = 2,

    /// <summary>An affiliated shop (given by admitting the merchant, not by a plain grant).</summary>
    Merchant = 4,

    /// <summary>A resident: earns by doing jobs, spends at shops. Every self-opened account is one.</summary>
    Resident = 8,

    /// <summary>A participation module (campaign) that pays rewards.</summary>
    Module = 16,

    /// <summary>An auditor (statistics office): reads pseudonymous chain data.</summary>
    Auditor = 32,
}
