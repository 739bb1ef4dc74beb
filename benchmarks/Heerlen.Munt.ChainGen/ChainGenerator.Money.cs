using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.ChainGen;

/// <summary>The city's money after the jobs: payments at shops, refunds, redemptions and their settlement.</summary>
public sealed partial class ChainGenerator
{
    private const int RecentPaymentsMax = 5_000;

    private Planned? Pay()
    {
        int resident = _funded.Pick(_rng);
        long balance = _residentCents[resident];
        long cents = _rng.NextInt64(100, Math.Min(balance, 3_500) + 1);
        if (_rng.Next(3) == 0) cents -= cents % 50; // round prices
        int shop = _rng.Next(_shopsAdmitted);
        PaymentRequestId? request = _rng.Next(100) < 35 ? new PaymentRequestId(NextId()) : null; // paid at a till's QR code
        var header = Header(_residents[resident]);
        Debit(resident, cents);
        _shopCents[shop] += cents;
        var payment = new PaymentModel(resident, header.Id, shop, cents);
        if (_payments.Count < RecentPaymentsMax) _payments.Add(payment);
        else _payments[_paymentsWritten % RecentPaymentsMax] = payment;
        _paymentsWritten++;
        return Plan(new Pay(_shops[shop].PublicKey, Cents(cents), request) { Header = header }, _residents[resident]);
    }

    /// <summary>A resident tries to pay more than they hold: recorded as insufficient funds.</summary>
    private Planned Overspend()
    {
        int resident = _funded.Pick(_rng);
        long cents = _residentCents[resident] + _rng.NextInt64(1, 2_000);
        int shop = _rng.Next(_shopsAdmitted);
        return Plan(new Pay(_shops[shop].PublicKey, Cents(cents), null) { Header = Header(_residents[resident]) }, _residents[resident], expected: RejectionCode.InsufficientFunds);
    }

    private Planned? RefundPayment()
    {
        var payment = _payments[_rng.Next(_payments.Count)];
        long left = Math.Min(payment.AmountCents - payment.RefundedCents, _shopCents[payment.Shop]);
        if (left <= 0) return null;
        long cents = _rng.Next(2) == 0 ? left : _rng.NextInt64(1, left + 1); // all of it, or part
        payment.RefundedCents += cents;
        _shopCents[payment.Shop] -= cents;
        Credit(payment.Resident, cents);
        var shop = _shops[payment.Shop];
        return Plan(new Refund(_residents[payment.Resident].PublicKey, payment.Id, Cents(cents)) { Header = Header(shop) }, shop);
    }

    private Planned? RedeemTakings()
    {
        int shop = _rng.Next(_shopsAdmitted);
        long cents = _shopCents[shop] / 100 * 100; // whole euros
        if (cents < 5_000) return null;
        var header = Header(_shops[shop]);
        _shopCents[shop] -= cents;
        _redemptions.Enqueue((shop, header.Id));
        return Plan(new Redeem(Cents(cents)) { Header = header }, _shops[shop]);
    }

    private Planned Settle()
    {
        var (shop, redemption) = _redemptions.Dequeue();
        var officer = AnyOfficer();
        int year = DateTimeOffset.FromUnixTimeMilliseconds(_now).Year;
        string reference = $"HM-{year}-{++_settlements:D6}";
        return Plan(new SettleRedemption(_shops[shop].PublicKey, redemption, reference) { Header = Header(officer) }, officer);
    }
}
