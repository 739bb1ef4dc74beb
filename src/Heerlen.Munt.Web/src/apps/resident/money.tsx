// Balance and history in words people understand ("Je kreeg HM 15,00 voor 'Bankje schilderen'").
import { useEffect, useState } from 'preact/hooks';
import type { Actor } from '../../ui/actor';
import { Busy, Money, Notice, ScreenTitle } from '../../ui/components';
import { formatCents, formatTime, int } from '../../ui/money';
import type { AccountJson, BalanceJson, HistoryLineJson } from '../../ui/types';
import { T } from './texts';

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
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    props.actor.get<BalanceJson>(`${base}/balance`).then((b) => setBalance(int(b.balanceCents)), (e) => setError(String(e.message ?? e)));
    props.actor.get<AccountJson>(base).then(setAccount, () => {});
    more(0);
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
              <li class="card" key={`${l.height}-${l.command}`}>
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
