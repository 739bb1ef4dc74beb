using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

public sealed class When_a_resident_opens_an_account : Scenario
{
    private readonly SigningKey _resident = SigningKey.Generate();

    [Fact]
    public void the_account_exists_as_a_resident_with_nothing_on_it()
    {
        Applied(new OpenAccount { Header = Header(_resident) }, _resident);

        var account = Account(_resident);
        Assert.Equal(Roles.Resident, account.Roles);
        Assert.Equal(_resident.PublicKey, account.CurrentKey);
        Assert.Equal(Amount.Zero, account.Balance);
        Assert.False(account.Frozen);
        Assert.False(account.IsAffiliatedMerchant);
        Assert.Equal(HM(5_000), State.Supply);
    }

    [Fact]
    public void opening_it_a_second_time_is_rejected_with_account_exists()
    {
        Applied(new OpenAccount { Header = Header(_resident) }, _resident);

        Rejected(RejectionCode.AccountExists, new OpenAccount { Header = Header(_resident) }, _resident);
        Assert.Equal(Roles.Resident, Account(_resident).Roles);
    }

    [Fact]
    public void an_officer_cannot_open_it_for_the_resident()
    {
        // Opening proves possession of the key: anyone else's signature does not fit.
        var command = new OpenAccount { Header = Header(Officer1, account: _resident.PublicKey) };

        Refused(RejectionCode.SignerKeyMismatch, () => Submit(command, Officer1, actorAccount: _resident.PublicKey));
        Assert.False(State.Accounts.ContainsKey(_resident.PublicKey));
    }
}

public sealed class When_the_issuer_grants_and_revokes_roles : Scenario
{
    private readonly SigningKey _resident;

    public When_the_issuer_grants_and_revokes_roles() => _resident = Community.NewAccount();

    [Fact]
    public void a_resident_becomes_an_officer_and_back()
    {
        Applied(new GrantRole(_resident.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
        Assert.Equal(Roles.Officer | Roles.Resident, Account(_resident).Roles);

        Applied(new RevokeRole(_resident.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
        Assert.Equal(Roles.Resident, Account(_resident).Roles);
    }

    [Fact]
    public void a_new_officer_can_mint_and_a_revoked_one_cannot()
    {
        Applied(new GrantRole(_resident.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
        Applied(new MintBudget(Budget, HM(100)) { Header = Header(_resident) }, _resident);
        Assert.Equal(HM(5_100), State.Budgets[Budget]);

        Applied(new RevokeRole(_resident.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
        Rejected(RejectionCode.NotPermitted, new MintBudget(Budget, HM(100)) { Header = Header(_resident) }, _resident);
    }

    [Fact]
    public void the_issuer_grants_auditor_and_module_roles()
    {
        Applied(new GrantRole(_resident.PublicKey, Roles.Auditor) { Header = Header(Issuer) }, Issuer);
        Applied(new GrantRole(_resident.PublicKey, Roles.Module) { Header = Header(Issuer) }, Issuer);

        Assert.Equal(Roles.Resident | Roles.Auditor | Roles.Module, Account(_resident).Roles);
    }

    [Fact]
    public void an_officer_takes_and_gives_back_the_resident_role()
    {
        Applied(new RevokeRole(_resident.PublicKey, Roles.Resident) { Header = Header(Officer1) }, Officer1);
        Assert.Equal(Roles.None, Account(_resident).Roles);

        Applied(new GrantRole(_resident.PublicKey, Roles.Resident) { Header = Header(Officer2) }, Officer2);
        Assert.Equal(Roles.Resident, Account(_resident).Roles);
    }

    [Theory]
    [InlineData(Roles.Merchant)]
    [InlineData(Roles.Issuer)]
    public void granting_a_role_that_is_not_granted_is_rejected_with_role_not_grantable(Roles role)
    {
        Rejected(RejectionCode.RoleNotGrantable, new GrantRole(_resident.PublicKey, role) { Header = Header(Issuer) }, Issuer);
        Assert.Equal(Roles.Resident, Account(_resident).Roles);
    }

    [Fact]
    public void revoking_the_issuer_role_is_rejected_with_role_not_grantable()
    {
        Rejected(RejectionCode.RoleNotGrantable, new RevokeRole(Issuer.PublicKey, Roles.Issuer) { Header = Header(Issuer) }, Issuer);
        Assert.Equal(Roles.Issuer, Account(Issuer).Roles);
    }

    [Fact]
    public void granting_a_role_already_held_is_rejected_with_role_already_held()
    {
        Rejected(RejectionCode.RoleAlreadyHeld, new GrantRole(Officer1.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
    }

    [Fact]
    public void revoking_a_role_not_held_is_rejected_with_role_not_held()
    {
        Rejected(RejectionCode.RoleNotHeld, new RevokeRole(_resident.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
    }

    [Fact]
    public void granting_to_an_unknown_account_is_rejected_with_account_not_found()
    {
        var stranger = SigningKey.Generate();

        Rejected(RejectionCode.AccountNotFound, new GrantRole(stranger.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
        Assert.False(State.Accounts.ContainsKey(stranger.PublicKey));
    }

    [Fact]
    public void a_resident_making_themselves_officer_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, new GrantRole(_resident.PublicKey, Roles.Officer) { Header = Header(_resident) }, _resident);
        Assert.Equal(Roles.Resident, Account(_resident).Roles);
    }

    [Fact]
    public void an_officer_making_another_officer_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, new GrantRole(_resident.PublicKey, Roles.Officer) { Header = Header(Officer1) }, Officer1);
    }

    [Fact]
    public void an_officer_revoking_an_officer_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, new RevokeRole(Officer2.PublicKey, Roles.Officer) { Header = Header(Officer1) }, Officer1);
        Assert.True(Account(Officer2).Roles.HasFlag(Roles.Officer));
    }
}

public sealed class When_an_officer_freezes_an_account : Scenario
{
    private readonly SigningKey _resident;
    private readonly SigningKey _shop;

    public When_an_officer_freezes_an_account()
    {
        _resident = Community.NewEarner(20);
        _shop = Community.NewMerchant();
    }

    private FreezeAccount Freeze(SigningKey officer, SigningKey account, bool frozen) =>
        new(account.PublicKey, frozen) { Header = Header(officer) };

    [Fact]
    public void the_account_is_frozen_and_can_be_unfrozen_again()
    {
        Applied(Freeze(Officer1, _resident, true), Officer1);
        Assert.True(Account(_resident).Frozen);
        Assert.Equal(HM(20), BalanceOf(_resident));

        Applied(Freeze(Officer2, _resident, false), Officer2);
        Assert.False(Account(_resident).Frozen);

        Applied(new Pay(_shop.PublicKey, HM(5), null) { Header = Header(_resident) }, _resident);
        Assert.Equal(HM(15), BalanceOf(_resident));
    }

    [Fact]
    public void the_frozen_resident_paying_is_rejected_with_account_frozen()
    {
        Applied(Freeze(Officer1, _resident, true), Officer1);

        Rejected(RejectionCode.AccountFrozen, new Pay(_shop.PublicKey, HM(5), null) { Header = Header(_resident) }, _resident);
        Assert.Equal(HM(20), BalanceOf(_resident));
    }

    [Fact]
    public void a_frozen_officer_acting_is_rejected_with_account_frozen()
    {
        Applied(Freeze(Officer1, Officer2, true), Officer1);

        Rejected(RejectionCode.AccountFrozen, new MintBudget(Budget, HM(1)) { Header = Header(Officer2) }, Officer2);
        Rejected(RejectionCode.AccountFrozen, Freeze(Officer2, Officer2, false), Officer2);
    }

    [Fact]
    public void freezing_a_frozen_account_is_rejected_with_freeze_unchanged()
    {
        Applied(Freeze(Officer1, _resident, true), Officer1);

        Rejected(RejectionCode.FreezeUnchanged, Freeze(Officer2, _resident, true), Officer2);
    }

    [Fact]
    public void unfreezing_an_account_that_is_not_frozen_is_rejected_with_freeze_unchanged()
    {
        Rejected(RejectionCode.FreezeUnchanged, Freeze(Officer1, _resident, false), Officer1);
    }

    [Fact]
    public void freezing_the_issuer_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, Freeze(Officer1, Issuer, true), Officer1);
        Assert.False(Account(Issuer).Frozen);
    }

    [Fact]
    public void a_resident_freezing_someone_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, Freeze(_resident, _shop, true), _resident);
    }

    [Fact]
    public void freezing_an_unknown_account_is_rejected_with_account_not_found()
    {
        Rejected(RejectionCode.AccountNotFound, Freeze(Officer1, SigningKey.Generate(), true), Officer1);
    }
}

public sealed class When_a_resident_rotates_their_own_key : Scenario
{
    private readonly SigningKey _old;
    private readonly SigningKey _new = SigningKey.Generate();
    private readonly SigningKey _shop;

    public When_a_resident_rotates_their_own_key()
    {
        _old = Community.NewEarner(20);
        _shop = Community.NewMerchant();
    }

    private AccountId Id => _old.PublicKey;

    [Fact]
    public void the_new_key_signs_for_the_same_account_and_the_old_key_is_refused()
    {
        Applied(new RotateKey(Id, _new.PublicKey) { Header = Header(_old) }, _old);

        Assert.Equal(_new.PublicKey, State.Accounts[Id].CurrentKey);
        Assert.Equal(HM(20), State.BalanceOf(Id));
        Assert.False(State.Accounts.ContainsKey(_new.PublicKey));

        Applied(new Pay(_shop.PublicKey, HM(5), null) { Header = Header(_new, account: Id) }, _new, actorAccount: Id);
        Assert.Equal(HM(15), State.BalanceOf(Id));
        Assert.Equal(HM(5), BalanceOf(_shop));

        Refused(RejectionCode.SignerKeyMismatch, () => Submit(new Pay(_shop.PublicKey, HM(5), null) { Header = Header(_old) }, _old));
        Assert.Equal(HM(15), State.BalanceOf(Id));
    }

    [Fact]
    public void rotating_someone_elses_key_alone_is_refused_with_cosigner_required()
    {
        Refused(RejectionCode.CosignerRequired, () => Submit(new RotateKey(_shop.PublicKey, _new.PublicKey) { Header = Header(_old) }, _old));
        Assert.Equal(_shop.PublicKey, Account(_shop).CurrentKey);
    }

    [Fact]
    public void rotating_to_the_key_of_another_account_is_rejected_with_key_in_use()
    {
        Rejected(RejectionCode.KeyInUse, new RotateKey(Id, _shop.PublicKey) { Header = Header(_old) }, _old);
        Assert.Equal(Id, State.Accounts[Id].CurrentKey);
    }

    [Fact]
    public void rotating_to_a_key_another_account_rotated_to_is_rejected_with_key_in_use()
    {
        Applied(new RotateKey(Id, _new.PublicKey) { Header = Header(_old) }, _old);

        Rejected(RejectionCode.KeyInUse, new RotateKey(_shop.PublicKey, _new.PublicKey) { Header = Header(_shop) }, _shop);
    }

    [Fact]
    public void opening_an_account_with_a_key_in_use_by_rotation_is_rejected_with_key_in_use()
    {
        Applied(new RotateKey(Id, _new.PublicKey) { Header = Header(_old) }, _old);

        Rejected(RejectionCode.KeyInUse, new OpenAccount { Header = Header(_new) }, _new);
        Assert.False(State.Accounts.ContainsKey(_new.PublicKey));
    }

    [Fact]
    public void the_old_key_cannot_rotate_again()
    {
        Applied(new RotateKey(Id, _new.PublicKey) { Header = Header(_old) }, _old);

        Refused(RejectionCode.SignerKeyMismatch, () => Submit(new RotateKey(Id, SigningKey.Generate().PublicKey) { Header = Header(_old) }, _old));
        Assert.Equal(_new.PublicKey, State.Accounts[Id].CurrentKey);
    }
}

public sealed class When_a_key_is_rotated_more_than_once : Scenario
{
    private readonly SigningKey _original;
    private readonly SigningKey _first = SigningKey.Generate();
    private readonly SigningKey _second = SigningKey.Generate();
    private readonly SigningKey _shop;

    public When_a_key_is_rotated_more_than_once()
    {
        _original = Community.NewEarner(20);
        _shop = Community.NewMerchant();
    }

    private AccountId Id => _original.PublicKey;

    /// <summary>The account rotates from <paramref name="current"/> to <paramref name="next"/>, signed by its current key.</summary>
    private RotateKey Rotation(SigningKey current, SigningKey next) => new(Id, next.PublicKey) { Header = Header(current, account: Id) };

    private AccountState? ByKey(SigningKey key) => State.TryGetAccountByKey(key.PublicKey, out var account) ? account : null;

    [Fact]
    public void only_the_current_key_finds_the_account_and_retired_keys_find_none()
    {
        Assert.Same(State.Accounts[Id], ByKey(_original));
        Assert.Null(ByKey(_first));

        Applied(Rotation(_original, _first), _original, actorAccount: Id);
        Assert.Null(ByKey(_original));
        Assert.Same(State.Accounts[Id], ByKey(_first));

        Applied(Rotation(_first, _second), _first, actorAccount: Id);
        Assert.Null(ByKey(_original));
        Assert.Null(ByKey(_first));
        Assert.Same(State.Accounts[Id], ByKey(_second));
        Assert.Same(State.Accounts[_shop.PublicKey], ByKey(_shop));
        Assert.Null(ByKey(SigningKey.Generate()));
    }

    [Fact]
    public void both_retired_keys_are_refused_and_the_current_one_signs()
    {
        Applied(Rotation(_original, _first), _original, actorAccount: Id);
        Applied(Rotation(_first, _second), _first, actorAccount: Id);

        Refused(RejectionCode.SignerKeyMismatch, () => Submit(new Pay(_shop.PublicKey, HM(1), null) { Header = Header(_original) }, _original));
        Refused(RejectionCode.SignerKeyMismatch, () => Submit(new Pay(_shop.PublicKey, HM(1), null) { Header = Header(_first, account: Id) }, _first, actorAccount: Id));
        Applied(new Pay(_shop.PublicKey, HM(1), null) { Header = Header(_second, account: Id) }, _second, actorAccount: Id);
        Assert.Equal(HM(19), State.BalanceOf(Id));
    }

    [Fact]
    public void rotating_back_to_the_original_key_is_rejected_with_key_in_use_because_it_is_the_account_id()
    {
        Applied(Rotation(_original, _first), _original, actorAccount: Id);

        Rejected(RejectionCode.KeyInUse, Rotation(_first, _original), _first, actorAccount: Id);
        Assert.Equal(_first.PublicKey, State.Accounts[Id].CurrentKey);
    }

    [Fact]
    public void rotating_back_to_an_earlier_rotated_key_is_allowed_and_it_signs_again()
    {
        Applied(Rotation(_original, _first), _original, actorAccount: Id);
        Applied(Rotation(_first, _second), _first, actorAccount: Id);

        Applied(Rotation(_second, _first), _second, actorAccount: Id);

        Assert.Equal(_first.PublicKey, State.Accounts[Id].CurrentKey);
        Assert.Same(State.Accounts[Id], ByKey(_first));
        Assert.Null(ByKey(_second));
        Refused(RejectionCode.SignerKeyMismatch, () => Submit(new Pay(_shop.PublicKey, HM(1), null) { Header = Header(_second, account: Id) }, _second, actorAccount: Id));
        Applied(new Pay(_shop.PublicKey, HM(1), null) { Header = Header(_first, account: Id) }, _first, actorAccount: Id);
    }

    [Fact]
    public void a_retired_rotated_key_may_open_an_account_of_its_own_and_is_then_in_use()
    {
        Applied(Rotation(_original, _first), _original, actorAccount: Id);
        Applied(Rotation(_first, _second), _first, actorAccount: Id);

        Applied(new OpenAccount { Header = Header(_first) }, _first);

        Assert.Equal(_first.PublicKey, State.Accounts[_first.PublicKey].CurrentKey);
        Assert.Same(State.Accounts[_first.PublicKey], ByKey(_first));
        Assert.Equal(Amount.Zero, State.BalanceOf(_first.PublicKey));
        Rejected(RejectionCode.KeyInUse, Rotation(_second, _first), _second, actorAccount: Id);
    }

    [Fact]
    public void the_current_rotated_key_cannot_open_an_account_and_no_account_may_rotate_to_it()
    {
        Applied(Rotation(_original, _first), _original, actorAccount: Id);
        Applied(Rotation(_first, _second), _first, actorAccount: Id);

        Rejected(RejectionCode.KeyInUse, new OpenAccount { Header = Header(_second) }, _second);
        Rejected(RejectionCode.KeyInUse, new RotateKey(_shop.PublicKey, _second.PublicKey) { Header = Header(_shop) }, _shop);
    }

    [Fact]
    public void no_account_may_rotate_to_the_id_of_an_account_that_rotated_away_from_it()
    {
        Applied(Rotation(_original, _first), _original, actorAccount: Id);

        Rejected(RejectionCode.KeyInUse, new RotateKey(_shop.PublicKey, _original.PublicKey) { Header = Header(_shop) }, _shop);
        Rejected(RejectionCode.AccountExists, new OpenAccount { Header = Header(_original, account: Id) }, _first, actorAccount: Id);
    }

    [Fact]
    public void two_officers_recovering_a_rotated_account_retire_its_rotated_key()
    {
        Applied(Rotation(_original, _first), _original, actorAccount: Id);

        Applied(new RotateKey(Id, _second.PublicKey) { Header = Header(Officer1) }, Officer1, cosigner: Officer2);

        Assert.Same(State.Accounts[Id], ByKey(_second));
        Assert.Null(ByKey(_first));
        Refused(RejectionCode.SignerKeyMismatch, () => Submit(new Pay(_shop.PublicKey, HM(1), null) { Header = Header(_first, account: Id) }, _first, actorAccount: Id));
        Applied(new OpenAccount { Header = Header(_first) }, _first);
    }
}

public sealed class When_two_officers_recover_a_lost_key : Scenario
{
    private readonly SigningKey _lost;
    private readonly SigningKey _new = SigningKey.Generate();
    private readonly SigningKey _shop;

    public When_two_officers_recover_a_lost_key()
    {
        _lost = Community.NewEarner(20);
        _shop = Community.NewMerchant();
    }

    private AccountId Id => _lost.PublicKey;

    private RotateKey Recover(AccountId account, SigningKey actor) => new(account, _new.PublicKey) { Header = Header(actor) };

    [Fact]
    public void the_new_key_works_and_the_old_key_is_refused_with_signer_key_mismatch()
    {
        Applied(Recover(Id, Officer1), Officer1, cosigner: Officer2);

        Assert.Equal(_new.PublicKey, State.Accounts[Id].CurrentKey);
        Assert.Equal(HM(20), State.BalanceOf(Id));

        Applied(new Pay(_shop.PublicKey, HM(3), null) { Header = Header(_new, account: Id) }, _new, actorAccount: Id);
        Assert.Equal(HM(17), State.BalanceOf(Id));

        Refused(RejectionCode.SignerKeyMismatch, () => Submit(new Pay(_shop.PublicKey, HM(3), null) { Header = Header(_lost) }, _lost));
        Assert.Equal(HM(17), State.BalanceOf(Id));
    }

    [Fact]
    public void a_resident_as_second_signer_is_refused_with_cosigner_invalid()
    {
        Refused(RejectionCode.CosignerInvalid, () => Submit(Recover(Id, Officer1), Officer1, cosigner: _shop));
        Assert.Equal(Id, State.Accounts[Id].CurrentKey);
    }

    [Fact]
    public void a_resident_as_first_signer_is_refused_with_cosigner_invalid()
    {
        Refused(RejectionCode.CosignerInvalid, () => Submit(Recover(Id, _shop), _shop, cosigner: Officer1));
        Assert.Equal(Id, State.Accounts[Id].CurrentKey);
    }

    [Fact]
    public void recovering_an_unknown_account_is_rejected_with_account_not_found()
    {
        Rejected(RejectionCode.AccountNotFound, Recover(SigningKey.Generate().PublicKey, Officer1), Officer1, cosigner: Officer2);
    }

    [Fact]
    public void the_same_officer_twice_is_refused_with_signatures_do_not_fit()
    {
        Refused(RejectionCode.SignaturesDoNotFit, () => Submit(Recover(Id, Officer1), Officer1, cosigner: Officer1));
    }

    // Guards the fix for a bug found here: two officers could rotate the issuer's key and so take over the root account.
    [Fact]
    public void recovering_the_issuers_key_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, Recover(Issuer.PublicKey, Officer1), Officer1, cosigner: Officer2);
        Assert.Equal(Issuer.PublicKey, Account(Issuer).CurrentKey);
    }

    // Guards the fix for a bug found here: DecideRotate accepted a frozen officer as cosigner of a recovery.
    [Fact]
    public void a_frozen_officer_as_second_signer_is_not_accepted()
    {
        var officer3 = Community.NewAccount();
        Applied(new GrantRole(officer3.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
        Applied(new FreezeAccount(Officer2.PublicKey, true) { Header = Header(Officer1) }, Officer1);

        Refused(RejectionCode.CosignerInvalid, () => Submit(Recover(Id, officer3), officer3, cosigner: Officer2));
        Assert.Equal(Id, State.Accounts[Id].CurrentKey);
    }
}
