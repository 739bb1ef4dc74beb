using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.ChainGen;

/// <summary>The city: what happens next, and the model of the ledger that predicts each outcome.</summary>
public sealed partial class ChainGenerator
{
    private readonly long[] _residentCents;
    private readonly long[] _shopCents;
    private readonly IndexSet _funded; // residents holding at least HM 1
    private readonly Dictionary<string, long> _budgetCents = [];
    private readonly List<JobModel> _openJobs = []; // in publishing order; the ones residents can still enrol in
    private readonly List<(JobModel Job, int Worker)> _enrolled = [];
    private readonly List<(JobModel Job, int Worker)> _submitted = [];
    private readonly List<PaymentModel> _payments = []; // the most recent ones, for refunds
    private readonly Queue<(int Shop, CommandId Id)> _redemptions = new();
    private long _freeSlots;
    private int _residentsOpened;
    private int _shopsOpened;
    private int _shopsAdmitted;
    private int _mints;
    private int _settlements;
    private int _paymentsWritten;

    private void ScriptGenesis()
    {
        _scripted.Enqueue(() => Plan(new EstablishChain(_operator.PublicKey, Cents(ThresholdCents)) { Header = Header(_issuer) }, _issuer));
        foreach (var officer in _officers)
        {
            _scripted.Enqueue(() => Plan(new OpenAccount { Header = Header(officer) }, officer));
            _scripted.Enqueue(() => Plan(new GrantRole(officer.PublicKey, Roles.Officer) { Header = Header(_issuer) }, _issuer));
        }
    }

    /// <summary>The next command: scripted first, then shops and residents joining on schedule, then the city's activity.</summary>
    private Planned Next()
    {
        _planned++;
        _now += _rng.NextInt64(0, 2L * _options.MeanSecondsPerEntry * 1000 + 1);
        if (_scripted.TryDequeue(out var scripted)) return scripted();
        double done = _planned / (double)_options.Entries;
        if (_shopsOpened < Math.Min(_options.Shops, Math.Ceiling(_options.Shops * done / 0.05))) return OpenShop();
        if (_residentsOpened < Math.Min(_options.Residents, Math.Ceiling(_options.Residents * done / 0.5))) return OpenResident();
        while (true)
        {
            if (Activity() is { } planned) return planned;
        }
    }

    private Planned? Activity()
    {
        bool canPay = _funded.Count > 0 && _shopsAdmitted > 0;
        double[] weights =
        [
            _freeSlots < Math.Max(8, _residentsOpened / 15) ? 12 : 0.5,               // publish
            _freeSlots > 0 && _residentsOpened > 0 ? 25 : 0,                          // enrol
            _enrolled.Count > 0 ? 15 + _enrolled.Count / 20.0 : 0,                    // submit
            _submitted.Count > 0 ? 15 + _submitted.Count / 20.0 : 0,                  // approve or reject
            canPay ? 45 : 0,                                                          // pay
            _payments.Count > 0 ? 1.2 : 0,                                            // refund
            _shopsAdmitted > 0 ? 1.5 : 0,                                             // redeem
            _redemptions.Count > 0 ? 1.5 : 0,                                         // settle
            _openJobs.Count > 0 && _openJobs[0].DeadlineMs < _now ? 3 : 0,            // cancel an expired job
            canPay ? 0.15 : 0,                                                        // pay more than one holds
        ];
        double pick = _rng.NextDouble() * weights.Sum();
        int action = 0;
        while (pick >= weights[action] && action < weights.Length - 1) pick -= weights[action++];
        return action switch
        {
            0 => Publish(),
            1 => Enrol(),
            2 => SubmitWork(),
            3 => DecideWork(),
            4 => Pay(),
            5 => RefundPayment(),
            6 => RedeemTakings(),
            7 => Settle(),
            8 => CancelExpired(),
            _ => Overspend(),
        };
    }

    private SigningKey AnyOfficer() => _officers[_rng.Next(_officers.Length)];

    private Planned OpenResident()
    {
        var key = _residents[_residentsOpened++];
        return Plan(new OpenAccount { Header = Header(key) }, key);
    }

    private Planned OpenShop()
    {
        int shop = _shopsOpened++;
        var key = _shops[shop];
        _scripted.Enqueue(() =>
        {
            _shopsAdmitted++;
            var officer = AnyOfficer();
            return Plan(AdmitMerchantCommand(Header(officer), key.PublicKey, Neighbourhoods[shop % Neighbourhoods.Length]), officer);
        });
        return Plan(new OpenAccount { Header = Header(key) }, key);
    }

    /// <summary>Admits a shop in its neighbourhood (the statistics need where shops are).</summary>
    private static AdmitMerchant AdmitMerchantCommand(CommandHeader header, AccountId merchant, string neighbourhood) =>
        new(merchant, neighbourhood) { Header = header };

    private Planned Mint(string budget)
    {
        var officer = AnyOfficer();
        // Every fifth mint is a big one, above the threshold: a second officer co-signs it.
        bool big = _mints++ % 5 == 0;
        long cents = big ? 2_500_000 : 600_000;
        SigningKey? cosigner = null;
        if (big)
        {
            do cosigner = AnyOfficer(); while (cosigner == officer);
        }
        _budgetCents[budget] = _budgetCents.GetValueOrDefault(budget) + cents;
        return Plan(new MintBudget(budget, Cents(cents)) { Header = Header(officer) }, officer, cosigner);
    }

    private Planned Publish()
    {
        string budget = BudgetLines[_rng.Next(BudgetLines.Length)];
        long reward = 1_000 + 250 * _rng.Next(0, 13); // HM 10 to HM 40
        int slots = _rng.Next(1, 6);
        if (_budgetCents.GetValueOrDefault(budget) < reward * slots) return Mint(budget);
        var officer = AnyOfficer();
        var job = new JobModel(new JobId(NextId()), budget, reward, slots, _now + 10 * DayMs + _rng.NextInt64(0, 4 * DayMs));
        _budgetCents[budget] -= reward * slots;
        _openJobs.Add(job);
        _freeSlots += slots;
        string neighbourhood = Neighbourhoods[_rng.Next(Neighbourhoods.Length)];
        string category = Categories[_rng.Next(Categories.Length)];
        return Plan(new PublishJob(job.Id, budget, category, neighbourhood, Cents(reward), (ushort)slots, job.DeadlineMs) { Header = Header(officer) }, officer);
    }

    private Planned? Enrol()
    {
        for (int attempt = 0; attempt < 12; attempt++)
        {
            var job = _openJobs[_rng.Next(_openJobs.Count)];
            if (job.Taken >= job.Slots || job.DeadlineMs <= _now + 2 * HourMs) continue;
            int worker = _rng.Next(_residentsOpened);
            if (job.Workers.TryGetValue(worker, out var status) && status != WorkStatus.Rejected) continue;
            job.Taken++;
            _freeSlots--;
            job.Workers[worker] = WorkStatus.Enrolled;
            _enrolled.Add((job, worker));
            return Plan(new Enrol(job.Id) { Header = Header(_residents[worker]) }, _residents[worker]);
        }
        return null;
    }

    private Planned SubmitWork()
    {
        var (job, worker) = TakeAny(_enrolled);
        job.Workers[worker] = WorkStatus.Submitted;
        _submitted.Add((job, worker));
        var photo = Hash32.Sha256([.. job.Id.Value.ToString("x32", null).Select(c => (byte)c), .. BitConverter.GetBytes(worker)]);
        return Plan(new SubmitCompletion(job.Id, photo) { Header = Header(_residents[worker]) }, _residents[worker]);
    }

    private Planned DecideWork()
    {
        var (job, worker) = TakeAny(_submitted);
        var officer = AnyOfficer();
        if (_rng.NextDouble() < 0.1)
        {
            job.Workers[worker] = WorkStatus.Rejected;
            job.Taken--;
            if (_openJobs.Contains(job)) _freeSlots++;
            var reason = (CompletionRejectionReason)_rng.Next(1, 6);
            return Plan(new RejectCompletion(job.Id, _residents[worker].PublicKey, reason) { Header = Header(officer) }, officer);
        }
        job.Workers[worker] = WorkStatus.Approved;
        job.Paid++;
        Credit(worker, job.RewardCents);
        if (job.Paid == job.Slots) _openJobs.Remove(job);
        return Plan(new ApproveCompletion(job.Id, _residents[worker].PublicKey) { Header = Header(officer) }, officer);
    }

    private Planned? CancelExpired()
    {
        var job = _openJobs[0];
        _openJobs.RemoveAt(0);
        _freeSlots -= job.Slots - job.Taken;
        // Work still waiting for an officer is decided later; the job stays open on the chain for it.
        if (job.HasUndecidedWork || job.Paid == job.Slots) return null;
        _budgetCents[job.Budget] += job.RewardCents * (job.Slots - job.Paid);
        var officer = AnyOfficer();
        return Plan(new CancelJob(job.Id) { Header = Header(officer) }, officer);
    }

    private (JobModel, int) TakeAny(List<(JobModel, int)> list)
    {
        // Any order, like officers working a queue; swapped with the last so that taking one costs O(1).
        int at = _rng.Next(list.Count);
        var item = list[at];
        list[at] = list[^1];
        list.RemoveAt(list.Count - 1);
        return item;
    }

    private void Credit(int resident, long cents)
    {
        _residentCents[resident] += cents;
        if (_residentCents[resident] >= 100) _funded.Add(resident);
    }

    private void Debit(int resident, long cents)
    {
        _residentCents[resident] -= cents;
        if (_residentCents[resident] < 100) _funded.Remove(resident);
    }
}
