// Participation campaigns (docs/participation.md) as the officer who pays for them sees them: what each has paid and has
// left, money added from its budget line (FundCampaign), and closing (CloseCampaign), which puts what is left back on
// that line. A campaign whose window has ended keeps its money until someone closes it, so those come first.
// Opening a campaign is the module's work (munt-module), never the back office's: it needs the campaign's private key.
import { useEffect, useState } from 'preact/hooks';
import type { Actor } from '../../ui/actor';
import { useActions } from '../../ui/actions';
import { messageOf } from '../../ui/api';
import { Busy, Field, Money, Notice, ScreenTitle } from '../../ui/components';
import { formatCents, formatTime, int, parseAmount } from '../../ui/money';
import type { CampaignJson } from '../../ui/types';
import { T } from './texts';

/** What the officer can still do with a campaign, by its status. */
const isRunning = (c: CampaignJson) => c.status === 'CAMPAIGN_STATUS_OPEN' || c.status === 'CAMPAIGN_STATUS_NOT_OPEN_YET';
const isEnded = (c: CampaignJson) => c.status === 'CAMPAIGN_STATUS_ENDED';
const isClosed = (c: CampaignJson) => c.status === 'CAMPAIGN_STATUS_CLOSED';

/** The campaign's name; a sensitive one has none on the chain, so it is called by the start of its code. */
const titleOf = (c: CampaignJson) => (c.name ? c.name : T('sensitiveName', { code: c.campaign.slice(0, 8) }));

function scopeOf(c: CampaignJson): string {
  if (c.scope === 'CAMPAIGN_SCOPE_DISTRICT') return T('scopeDistrict', { area: c.area ?? '?' });
  if (c.scope === 'CAMPAIGN_SCOPE_NEIGHBOURHOOD') return T('scopeNeighbourhood', { area: c.area ?? '?' });
  return T('scopeCity');
}

const pays = (count: number) => (count === 1 ? T('fundPaysOne') : T('fundPays', { count }));

function statusOf(c: CampaignJson): string {
  if (isClosed(c)) return T('statusClosed');
  if (isEnded(c)) return T('statusEnded');
  if (c.status === 'CAMPAIGN_STATUS_NOT_OPEN_YET') return T('statusNotYet', { when: formatTime(int(c.opensAtMs)) });
  return T('statusOpen');
}

export function Campaigns(props: { actor: Actor }) {
  const [list, setList] = useState<CampaignJson[] | null>(null);
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState<string | null>(null);
  const load = () =>
    props.actor.get<{ campaigns?: CampaignJson[] }>('/v1/campaigns?includeClosed=true').then(
      (r) => setList(r.campaigns ?? []),
      (e) => {
        setErrors({ list: messageOf(e) });
        setList([]);
      },
    );
  const { errors, setErrors, message, busy, act } = useActions(load);
  useEffect(() => {
    load();
  }, []);

  const fund = (e: Event, c: CampaignJson) => {
    e.preventDefault();
    const cents = parseAmount(amounts[c.campaign] ?? '');
    if (cents === null) {
      setErrors({ [`amount:${c.campaign}`]: T('badAmount') });
      return;
    }
    act(`fund:${c.campaign}`, async () => {
      await props.actor.submit({ type: 'FundCampaign', campaign: c.campaign, amount: cents });
      setAmounts({ ...amounts, [c.campaign]: '' });
      return T('fundedDone', { amount: formatCents(cents), name: titleOf(c) });
    });
  };

  const close = (c: CampaignJson) =>
    act(`close:${c.campaign}`, async () => {
      await props.actor.submit({ type: 'CloseCampaign', campaign: c.campaign });
      setConfirming(null);
      return T('closedDone', { name: titleOf(c), budget: c.budget || '—' });
    });

  const card = (c: CampaignJson) => {
    const id = c.campaign;
    const funds = int(c.fundsCents);
    const reward = int(c.rewardCents);
    const typed = parseAmount(amounts[id] ?? '');
    return (
      <li class="card" key={id}>
        <h3>{titleOf(c)}</h3>
        <p>
          <strong>{statusOf(c)}</strong>
        </p>
        {isEnded(c) && funds > 0 && <Notice kind="warn">{T('endedWithMoney', { amount: formatCents(funds), budget: c.budget || '—' })}</Notice>}
        <table>
          <caption class="visually-hidden">{titleOf(c)}</caption>
          <tbody>
            <tr><th scope="row">{T('campaignReward')}</th><td>{T('rewardEach', { amount: formatCents(reward), cap: c.perPersonCap ?? 1 })}</td></tr>
            <tr><th scope="row">{T('campaignWindow')}</th><td>{T('window', { from: formatTime(int(c.opensAtMs)), until: formatTime(int(c.closesAtMs)) })}</td></tr>
            <tr><th scope="row">{T('campaignFor')}</th><td>{scopeOf(c)}</td></tr>
            <tr><th scope="row">{T('budget')}</th><td>{c.budget || '—'}</td></tr>
            <tr><th scope="row">{T('campaignPaid')}</th><td>{T(c.rewardsPaid === 1 ? 'paidOne' : 'paidCount', { count: c.rewardsPaid ?? 0, amount: formatCents((c.rewardsPaid ?? 0) * reward) })}</td></tr>
            <tr><th scope="row">{T('campaignLeft')}</th><td><Money cents={funds} /> {T(int(c.rewardsLeft) === 1 ? 'enoughForOne' : 'enoughFor', { count: int(c.rewardsLeft) })}</td></tr>
            <tr><th scope="row">{T('campaignCode')}</th><td class="code">{id}</td></tr>
          </tbody>
        </table>
        {c.sensitive && <p class="meta">{T('sensitiveText')}</p>}
        {errors[`close:${id}`] && <Notice kind="error">{errors[`close:${id}`]}</Notice>}
        {isRunning(c) && (
          <form onSubmit={(e) => fund(e, c)} noValidate>
            {errors[`fund:${id}`] && <Notice kind="error">{errors[`fund:${id}`]}</Notice>}
            <Field
              label={T('fundAmount', { name: titleOf(c) })}
              hint={T('fundHint', { budget: c.budget || '—', reward: formatCents(reward) }) + (typed !== null ? ' ' + pays(Math.floor(typed / Math.max(1, reward))) : '')}
              value={amounts[id] ?? ''}
              onInput={(v) => setAmounts({ ...amounts, [id]: v })}
              error={errors[`amount:${id}`]}
              inputMode="decimal"
              maxLength={12}
            />
            {busy === `fund:${id}` ? <Busy /> : <button type="submit">{typed === null ? T('fundPlain') : T('fund', { amount: formatCents(typed) })}</button>}
          </form>
        )}
        {isEnded(c) &&
          (busy === `close:${id}` ? <Busy /> : (
            <button type="button" onClick={() => close(c)}>
              {T('closeEnded', { amount: formatCents(funds) })}
            </button>
          ))}
        {isRunning(c) &&
          (confirming === id ? (
            <div class="card" role="group" aria-label={T('stopEarly')}>
              <p>{T('stopSure', { amount: formatCents(funds) })}</p>
              {busy === `close:${id}` ? <Busy /> : (
                <>
                  <button type="button" class="danger" onClick={() => close(c)}>{T('stopYes')}</button>{' '}
                  <button type="button" class="secondary" onClick={() => setConfirming(null)}>{T('stopNo')}</button>
                </>
              )}
            </div>
          ) : (
            <p>
              <button type="button" class="secondary" onClick={() => setConfirming(id)}>{T('stopEarly')}</button>
            </p>
          ))}
      </li>
    );
  };

  // The money waiting to go back first, the most of it at the top.
  const ended = (list ?? []).filter(isEnded).sort((a, b) => int(b.fundsCents) - int(a.fundsCents));
  const running = (list ?? []).filter(isRunning);
  const closed = (list ?? []).filter(isClosed);
  return (
    <div>
      <ScreenTitle>{T('campaignsTitle')}</ScreenTitle>
      <p>{T('campaignsText')}</p>
      {message && <Notice kind="ok">{message}</Notice>}
      {errors.list && <Notice kind="error">{errors.list}</Notice>}
      {list === null ? <Busy /> : list.length === 0 ? <p>{T('noCampaigns')}</p> : (
        <>
          {ended.length > 0 && (
            <section aria-labelledby="ended-title">
              <h2 id="ended-title">{T('endedTitle')}</h2>
              <ul class="cards">{ended.map(card)}</ul>
            </section>
          )}
          <section aria-labelledby="running-title">
            <h2 id="running-title">{T('runningTitle')}</h2>
            {running.length === 0 ? <p>{T('noRunning')}</p> : <ul class="cards">{running.map(card)}</ul>}
          </section>
          {closed.length > 0 && (
            <section aria-labelledby="closed-title">
              <h2 id="closed-title">{T('closedTitle')}</h2>
              <ul class="cards">{closed.map(card)}</ul>
            </section>
          )}
        </>
      )}
    </div>
  );
}
