// Budget (a mint above the threshold needs a second officer), shops (admit, pause), payouts to shops (settle a
// redemption with the bank transfer's reference) and the overview of what the city owes.
import { useEffect, useState } from 'preact/hooks';
import type { Actor } from '../../ui/actor';
import { chain } from '../../ui/chain';
import { Busy, Field, Money, Notice, ScreenTitle } from '../../ui/components';
import { formatCents, int, parseAmount } from '../../ui/money';
import type { StoredKey } from '../../ui/keystore';
import type { RedemptionJson } from '../../ui/types';
import { CosignFields, useCosign } from './cosign';
import { isAccount, isBankReference, isSlug } from '../../ui/wallet';
import { T } from './texts';
import { messageOf } from '../../ui/api';
import { useActions } from '../../ui/actions';

export function Budget(props: { actor: Actor; me: StoredKey }) {
  const [threshold, setThreshold] = useState<number | null>(null);
  const [budget, setBudget] = useState('klussen-2026');
  const [amount, setAmount] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cosign = useCosign(props.me);
  useEffect(() => {
    chain().then((c) => setThreshold(int(c.info.mintCosignThresholdCents)));
  }, []);
  const cents = parseAmount(amount);
  const needsSecond = threshold !== null && cents !== null && cents > threshold;
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!isSlug(budget)) found.budget = T('badSlug');
    if (cents === null) found.amount = T('badAmount');
    setErrors(found);
    setMessage(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const second = needsSecond ? await cosign.open() : undefined;
      await props.actor.submit({ type: 'MintBudget', budget, amount: cents! }, second);
      setMessage(T('minted', { amount: formatCents(cents!), budget }));
      setAmount('');
    } catch (x) {
      setErrors({ cosign: messageOf(x) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <ScreenTitle>{T('budgetTitle')}</ScreenTitle>
      {threshold !== null && <p>{T('budgetText', { threshold: formatCents(threshold) })}</p>}
      {message && <Notice kind="ok">{message}</Notice>}
      <Field label={T('budget')} hint={T('slugHint')} value={budget} onInput={setBudget} error={errors.budget} autoCapitalize="none" maxLength={32} />
      <Field label={T('amount')} value={amount} onInput={setAmount} error={errors.amount} inputMode="decimal" maxLength={12} />
      {needsSecond && <CosignFields cosign={cosign} error={errors.cosign} />}
      {!needsSecond && errors.cosign && <Notice kind="error">{errors.cosign}</Notice>}
      {busy ? <Busy /> : <button type="submit">{T('mint', { amount: formatCents(cents ?? 0) })}</button>}
    </form>
  );
}

interface MerchantJson {
  merchant: string;
  neighbourhood?: string;
  status?: 'admitted' | 'suspended';
  frozen?: boolean;
  balanceCents?: string;
  outstandingRedemptions?: number;
  outstandingRedemptionCents?: string;
}

export function Shops(props: { actor: Actor }) {
  const [list, setList] = useState<MerchantJson[] | null>(null);
  const [account, setAccount] = useState('');
  const [area, setArea] = useState('');
  const load = () => props.actor.get<{ merchants?: MerchantJson[] }>('/v1/merchants').then((r) => setList(r.merchants ?? []), (e) => { setErrors({ list: e.message }); setList([]); });
  const { errors, setErrors, message, busy, act } = useActions(load);
  useEffect(() => {
    load();
  }, []);
  const admit = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!isAccount(account)) found.account = T('badAccount');
    if (!isSlug(area)) found.area = T('badSlug');
    setErrors(found);
    if (Object.keys(found).length === 0)
      act('admit', async () => {
        await props.actor.submit({ type: 'AdmitMerchant', merchant: account.trim(), neighbourhood: area });
        setAccount('');
        return T('admitted');
      });
  };
  return (
    <div>
      <ScreenTitle>{T('shopsTitle')}</ScreenTitle>
      {message && <Notice kind="ok">{message}</Notice>}
      {errors.list && <Notice kind="error">{errors.list}</Notice>}
      <form class="card" onSubmit={admit} noValidate aria-labelledby="admit-title">
        <h2 id="admit-title">{T('admitTitle')}</h2>
        {errors.admit && <Notice kind="error">{errors.admit}</Notice>}
        <Field label={T('account')} hint={T('accountHint')} value={account} onInput={setAccount} error={errors.account} autoCapitalize="none" spellcheck={false} maxLength={80} />
        <Field label={T('neighbourhood')} hint={T('slugHint')} value={area} onInput={setArea} error={errors.area} autoCapitalize="none" maxLength={32} />
        {busy === 'admit' ? <Busy /> : <button type="submit">{T('admit')}</button>}
      </form>
      {list === null ? <Busy /> : list.length === 0 ? <p>{T('noShops')}</p> : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{T('shopsTitle')}</caption>
            <thead>
              <tr><th scope="col">{T('account')}</th><th scope="col">{T('neighbourhood')}</th><th scope="col">Status</th><th scope="col" class="num">{T('balance')}</th><th scope="col" class="num">{T('pending')}</th><th scope="col"><span class="visually-hidden">{T('suspend')}</span></th></tr>
            </thead>
            <tbody>
              {list.map((m) => {
                const suspended = m.status === 'suspended';
                return (
                  <tr key={m.merchant}>
                    <td class="code">{m.merchant.slice(0, 16)}…</td>
                    <td>{m.neighbourhood}</td>
                    <td>{suspended ? T('statusSuspended') : T('statusAdmitted')}</td>
                    <td class="num"><Money cents={int(m.balanceCents)} /></td>
                    <td class="num"><Money cents={int(m.outstandingRedemptionCents)} /></td>
                    <td>
                      {errors[m.merchant] && <p class="error" role="alert">{errors[m.merchant]}</p>}
                      {busy === m.merchant ? <Busy /> : suspended ? (
                        <button type="button" class="secondary" onClick={() => act(m.merchant, async () => { await props.actor.submit({ type: 'AdmitMerchant', merchant: m.merchant, neighbourhood: m.neighbourhood ?? 'centrum' }); return T('admitted'); })}>
                          {T('readmit')}
                        </button>
                      ) : (
                        <button type="button" class="danger" onClick={() => act(m.merchant, async () => { await props.actor.submit({ type: 'SuspendMerchant', merchant: m.merchant }); return T('suspendedDone'); })}>
                          {T('suspend')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function Redemptions(props: { actor: Actor }) {
  const [open, setOpen] = useState<{ merchant: string; r: RedemptionJson }[] | null>(null);
  const [refs, setRefs] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = async () => {
    try {
      const merchants = (await props.actor.get<{ merchants?: MerchantJson[] }>('/v1/merchants')).merchants ?? [];
      const lists = await Promise.all(
        merchants.filter((m) => int(m.outstandingRedemptionCents) > 0).map(async (m) => ({
          merchant: m.merchant,
          list: (await props.actor.get<{ redemptions?: RedemptionJson[] }>(`/v1/merchants/${m.merchant}/redemptions`)).redemptions ?? [],
        })),
      );
      setOpen(lists.flatMap((l) => l.list.filter((r) => !r.settled).map((r) => ({ merchant: l.merchant, r }))));
    } catch (e) {
      setErrors({ list: messageOf(e) });
      setOpen([]);
    }
  };
  useEffect(() => {
    load();
  }, []);
  const settle = async (e: Event, merchant: string, r: RedemptionJson) => {
    e.preventDefault();
    const ref = (refs[r.id] ?? '').trim();
    if (!isBankReference(ref)) {
      setErrors({ [r.id]: T('bankRefHint') });
      return;
    }
    setBusy(r.id);
    setErrors({});
    try {
      await props.actor.submit({ type: 'SettleRedemption', merchant, redemption: r.id, bankReference: ref });
      setMessage(T('settledDone'));
      await load();
    } catch (x) {
      setErrors({ [r.id]: messageOf(x) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <div>
      <ScreenTitle>{T('redemptionsTitle')}</ScreenTitle>
      {message && <Notice kind="ok">{message}</Notice>}
      {errors.list && <Notice kind="error">{errors.list}</Notice>}
      {open === null ? <Busy /> : open.length === 0 ? <p>{T('noRedemptions')}</p> : (
        <ul class="cards">
          {open.map(({ merchant, r }) => (
            <li class="card" key={r.id}>
              <form onSubmit={(e) => settle(e, merchant, r)} noValidate>
                <p>
                  <Money cents={int(r.amountCents)} class="big-money" /> — <span class="code">{merchant.slice(0, 16)}…</span>
                </p>
                <Field label={T('bankRefFor', { amount: formatCents(int(r.amountCents)), shop: `${merchant.slice(0, 12)}…` })} hint={T('bankRefHint')} value={refs[r.id] ?? ''} onInput={(v) => setRefs({ ...refs, [r.id]: v })} error={errors[r.id]} maxLength={35} />
                {busy === r.id ? <Busy /> : <button type="submit">{T('settle')}</button>}
              </form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface LiabilitiesJson {
  asOfHeight?: string;
  mintedCents?: string;
  redeemedCents?: string;
  supplyCents?: string;
  residentBalancesCents?: string;
  merchantBalancesCents?: string;
  budgetsCents?: string;
  jobReservesCents?: string;
  campaignFundsCents?: string;
  outstandingRedemptions?: string;
  outstandingRedemptionCents?: string;
}

export function Overview(props: { actor: Actor }) {
  const [l, setL] = useState<LiabilitiesJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    props.actor.get<LiabilitiesJson>('/v1/liabilities').then(setL, (e) => setError(e.message));
  }, []);
  const rows: [string, string | undefined][] = l
    ? [
        [T('supply'), l.supplyCents],
        [T('residentsHold'), l.residentBalancesCents],
        [T('shopsHold'), l.merchantBalancesCents],
        [T('redemptionsOpen'), l.outstandingRedemptionCents],
        [T('budgets'), l.budgetsCents],
        [T('reserves'), l.jobReservesCents],
        [T('campaignFunds'), l.campaignFundsCents],
      ]
    : [];
  return (
    <div>
      <ScreenTitle>{T('overviewTitle')}</ScreenTitle>
      {error && <Notice kind="error">{error}</Notice>}
      {!l && !error ? <Busy /> : l && (
        <>
          <Notice kind="info">{T('owed', { amount: formatCents(int(l.outstandingRedemptionCents)) })}</Notice>
          <table>
            <caption class="visually-hidden">{T('overviewTitle')}</caption>
            <tbody>
              {rows.map(([label, cents]) => (
                <tr key={label}><th scope="row">{label}</th><td class="num"><Money cents={int(cents)} /></td></tr>
              ))}
            </tbody>
          </table>
          <p class="meta">{T('asOf', { height: int(l.asOfHeight) })}</p>
        </>
      )}
    </div>
  );
}
