// Balance and history in words people understand ("Je kreeg HM 15,00 voor 'Bankje schilderen'").
import { useEffect, useState } from 'preact/hooks';
import type { Actor } from '../../ui/actor';
import { Busy, Money, Notice, ScreenTitle } from '../../ui/components';
import { formatCents, formatTime, int } from '../../ui/money';
import type { AccountJson, BalanceJson, HistoryLineJson } from '../../ui/types';
import { T } from './texts';
import { messageOf } from '../../ui/api';

export function MoneyScreen(props: { actor: Actor }) {
  const [balance, setBalance] = useState<number | null>(null);
  const [account, setAccount] = useState<AccountJson | null>(null);
  const [lines, setLines] = useState<HistoryLineJson[]>([]);
  const [next, setNext] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/v1/accounts/${props.actor.account}`;

  const more = async (before: number) => {
    setBusy(true);
    try {
      const h = await props.actor.get<{ lines?: HistoryLineJson[]; nextBeforeHeight?: string }>(
        `${base}/history?pageSize=20${before ? `&beforeHeight=${before}` : ''}`,
      );
      setLines((old) => (before ? [...old, ...(h.lines ?? [])] : h.lines ?? []));
      setNext(int(h.nextBeforeHeight));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  // Kept fresh while open: a reward approved or a payment made elsewhere (a munt card at a till) shows up by itself.
  const refresh = () => {
    props.actor.get<BalanceJson>(`${base}/balance`).then((b) => setBalance(int(b.balanceCents)), (e) => setError(String(e.message ?? e)));
    props.actor.get<AccountJson>(base).then(setAccount, () => {});
  };
  useEffect(() => {
    refresh();
    more(0);
    const timer = setInterval(() => {
      refresh();
      props.actor
        .get<{ lines?: HistoryLineJson[] }>(`${base}/history?pageSize=20`)
        .then((h) => setLines((old) => mergeNewest(h.lines ?? [], old)), () => {});
    }, 5000);
    return () => clearInterval(timer);
  }, []);

  const limit = int(account?.dailyLimitCents);
  return (
    <div>
      <ScreenTitle>{T('moneyTitle')}</ScreenTitle>
      {error && <Notice kind="error">{error}</Notice>}
      <div class="card center">
        <h2>{T('balance')}</h2>
        {balance === null ? <Busy /> : <Money cents={balance} class="big-money" />}
        {limit > 0 && <p class="meta">{T('limitLeft', { amount: formatCents(Math.max(0, limit - int(account?.spentTodayCents))) })}</p>}
      </div>
      <h2>{T('history')}</h2>
      {lines.length === 0 && !busy ? (
        <p>{T('noHistory')}</p>
      ) : (
        <ul class="cards">
          {lines.map((l) => {
            const amount = int(l.amountCents);
            return (
              <li class="card" key={`${l.height}-${l.command}-${l.mine}`}>
                <p>{l.description}</p>
                <p class="meta">
                  {formatTime(int(l.timestampMs))}
                  {amount !== 0 && (
                    <>
                      {' · '}
                      <span class={amount > 0 ? 'status-ok' : undefined}>{amount > 0 ? `+${formatCents(amount)}` : formatCents(amount)}</span>
                    </>
                  )}
                </p>
              </li>
            );
          })}
        </ul>
      )}
      {busy ? (
        <Busy />
      ) : (
        next > 0 && (
          <button type="button" class="secondary" onClick={() => more(next)}>
            {T('more')}
          </button>
        )
      )}
    </div>
  );
}

/** The newest page first, then the older lines already shown that it does not hold. */
function mergeNewest(newest: HistoryLineJson[], shown: HistoryLineJson[]): HistoryLineJson[] {
  const key = (l: HistoryLineJson) => `${l.height}-${l.command}-${l.mine}`;
  const seen = new Set(newest.map(key));
  const oldest = newest.length > 0 ? int(newest[newest.length - 1].height) : Infinity;
  return [...newest, ...shown.filter((l) => !seen.has(key(l)) && int(l.height) < oldest)];
}
