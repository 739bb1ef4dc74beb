// The shop's till: ask for an amount (QR code and short code), turn green when the payment is in the chain (streamed),
// take a munt card with the customer's PIN, refund, today's statement, and redeem the balance for euros.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import '../../ui/style.css';
import { Actor, type Prepared, Rejected, submitEnvelope } from '../../ui/actor';
import { ApiError, messageOf, stream } from '../../ui/api';
import { Busy, Field, go, Money, Notice, QrCode, ScreenTitle, Shell, SubmitButton, useRoute } from '../../ui/components';
import { useLang } from '../../ui/i18n';
import { formatCents, formatTime, int, parseAmount } from '../../ui/money';
import { QrScanner } from '../../ui/lazy-scanner';
import type { AccountJson, HistoryLineJson, PaymentRequestJson, RedemptionJson, StatementJson } from '../../ui/types';
import { Unlock } from '../../ui/unlock';
import { WrongPin, sealedAccount, unseal } from '../../ui/wallet';
import { T } from './texts';

function App() {
  useLang();
  const route = useRoute();
  const [actor, setActor] = useState<Actor | null>(null);
  const [account, setAccount] = useState<AccountJson | null>(null);
  if (!actor)
    return (
      <Shell app={T('app')}>
        <Unlock
          app="till"
          intro={T('intro')}
          onOpen={async (wallet) => {
            const a = new Actor(wallet);
            setAccount(await a.get<AccountJson>(`/v1/accounts/${a.account}`).catch(() => null));
            setActor(a);
            go('ask');
          }}
        />
      </Shell>
    );
  const tab = route.split('/')[0] || 'ask';
  const nav = [
    { href: '#/ask', label: T('tabAsk'), current: tab === 'ask' },
    { href: '#/today', label: T('tabToday'), current: tab === 'today' },
    { href: '#/redeem', label: T('tabRedeem'), current: tab === 'redeem' },
  ];
  const merchant = account?.roles?.includes('merchant') ?? false;
  return (
    <Shell app={T('app')} nav={nav}>
      {!merchant && <Notice kind="error">{T('notMerchant')}</Notice>}
      {account?.merchantSuspended && <Notice kind="warn">{T('suspended')}</Notice>}
      {tab === 'today' ? <Today actor={actor} /> : tab === 'redeem' ? <Redeem actor={actor} /> : <Ask actor={actor} />}
      <div class="actions no-print">
        <button type="button" class="secondary" onClick={() => { setActor(null); setAccount(null); }}>
          {T('tabLock')}
        </button>
      </div>
    </Shell>
  );
}

type AskStep = { kind: 'amount' } | { kind: 'waiting'; request: PaymentRequestJson } | { kind: 'paid'; request: PaymentRequestJson } | { kind: 'expired' };

function Ask(props: { actor: Actor }) {
  const [step, setStep] = useState<AskStep>({ kind: 'amount' });
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [card, setCard] = useState(false);
  const [watchError, setWatchError] = useState<string | null>(null);
  const [watchRound, setWatchRound] = useState(0);

  // Stream the request until it is paid or expired: the screen turns green without anyone pressing anything.
  useEffect(() => {
    if (step.kind !== 'waiting') return;
    const stop = new AbortController();
    const watch = async () => {
      for (let attempt = 0; !stop.signal.aborted && attempt < 20; attempt++) {
        let finished = false;
        try {
          const token = await props.actor.token();
          await stream<PaymentRequestJson>(
            `/v1/payment-requests/${step.request.id}:watch`,
            (r) => {
              if (r.status === 'paid') {
                finished = true;
                setStep({ kind: 'paid', request: r });
              } else if (r.status === 'expired') {
                finished = true;
                setStep({ kind: 'expired' });
              }
            },
            stop.signal,
            token,
          );
        } catch (x) {
          // A lost connection is watched again; an answer that will not change (not found, not this shop's) is not.
          if (x instanceof ApiError && !x.transient && !x.reason.startsWith('session_')) {
            setWatchError(messageOf(x));
            return;
          }
        }
        if (finished) return;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      if (!stop.signal.aborted) setWatchError(T('watchLost'));
    };
    watch();
    return () => stop.abort();
  }, [step.kind === 'waiting' ? step.request.id : '', watchRound]);

  const ask = async (e: Event) => {
    e.preventDefault();
    const cents = parseAmount(text);
    if (cents === null) {
      setError(T('badAmount'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const request = await props.actor.post<PaymentRequestJson>(`/v1/merchants/${props.actor.account}/payment-requests`, {
        amountCents: String(cents),
        validSeconds: 300,
      });
      setCard(false);
      setWatchError(null);
      setStep({ kind: 'waiting', request });
    } catch (x) {
      setError(messageOf(x));
    } finally {
      setBusy(false);
    }
  };

  if (step.kind === 'paid')
    return (
      // Keyed apart from the waiting screen, so this heading is a new one and takes the focus.
      <div key="paid" class="paid" role="status" aria-live="assertive">
        <ScreenTitle>{T('paidTitle')}</ScreenTitle>
        <p class="big-money">{formatCents(int(step.request.amountCents))}</p>
        <p>{T('paidBy', { height: int(step.request.paidHeight) })}</p>
        <button type="button" class="secondary" onClick={() => { setText(''); setStep({ kind: 'amount' }); }}>
          {T('next')}
        </button>
      </div>
    );

  if (step.kind === 'waiting') {
    const amount = int(step.request.amountCents);
    const code = step.request.shortCode ?? '';
    return (
      <div key="waiting">
        <ScreenTitle>
          <Money cents={amount} class="big-money" />
        </ScreenTitle>
        {card ? (
          <CardPayment request={step.request} onBack={() => setCard(false)} />
        ) : (
          <div class="card center">
            <p>{T('showQr')}</p>
            <QrCode text={step.request.qrPayload ?? ''} label={T('qrLabel', { amount: formatCents(amount) })} size={260} />
            <p>
              {T('code')}: <span class="short-code" aria-label={code.split('').join(' ')}>{code.slice(0, 4)}-{code.slice(4)}</span>
            </p>
            <p class="meta">{T('validUntil', { time: formatTime(int(step.request.expiresAtMs), false) })}</p>
          </div>
        )}
        {watchError ? (
          <Notice kind="warn">
            {watchError}{' '}
            <button type="button" class="secondary" onClick={() => { setWatchError(null); setWatchRound((n) => n + 1); }}>
              {T('watchAgain')}
            </button>
          </Notice>
        ) : (
          <p class="busy" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true" /> {T('waiting')}
          </p>
        )}
        <div class="actions">
          {!card && (
            <button type="button" class="secondary" onClick={() => setCard(true)}>
              {T('card')}
            </button>
          )}
          <button type="button" class="secondary" onClick={() => setStep({ kind: 'amount' })}>
            {T('cancel')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={ask} noValidate>
      <ScreenTitle>{T('askTitle')}</ScreenTitle>
      {step.kind === 'expired' && <Notice kind="warn">{T('expired')}</Notice>}
      <Field label={T('amount')} hint={T('amountHint')} value={text} onInput={setText} inputMode="decimal" autoComplete="off" error={error} maxLength={12} />
      <SubmitButton busy={busy} class="block">{T('ask')}</SubmitButton>
    </form>
  );
}

/** A munt card at the till: its QR code holds the key sealed under the customer's PIN. Opened here, for one payment. */
function CardPayment(props: { request: PaymentRequestJson; onBack: () => void }) {
  const [sealed, setSealed] = useState('');
  const [pin, setPin] = useState('');
  const [scanning, setScanning] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const amount = int(props.request.amountCents);
  const pinRef = useRef<HTMLDivElement>(null);
  const running = useRef(false);
  const pending = useRef<(Prepared & { card: string }) | null>(null);
  const [sent, setSent] = useState(false);
  const pay = async (e: Event) => {
    e.preventDefault();
    if (running.current || sent) return;
    const text = sealed.trim();
    try {
      sealedAccount(text);
    } catch {
      setErrors({ card: T('badCard') });
      return;
    }
    running.current = true;
    setBusy(true);
    setErrors({});
    try {
      // The card's key is opened here for this one payment and not kept; while the outcome is unknown a retry sends
      // the same signed bytes (never a second payment).
      if (!pending.current || pending.current.card !== text) {
        const cardActor = new Actor(await unseal(text, pin));
        pending.current = { ...(await cardActor.prepare({ type: 'Pay', merchant: props.request.merchant, amount, request: props.request.id })), card: text };
      }
      await submitEnvelope(pending.current.envelope, pending.current.commandId);
      pending.current = null;
      setSealed('');
      setSent(true); // the watch stream turns the screen green
    } catch (x) {
      if (x instanceof Rejected) pending.current = null;
      setErrors({ pin: x instanceof WrongPin ? T('wrongPin') : messageOf(x) });
    } finally {
      setPin('');
      running.current = false;
      setBusy(false);
    }
  };
  return (
    <form onSubmit={pay} noValidate class="card">
      <h2>{T('cardTitle')}</h2>
      {scanning ? (
        <QrScanner
          onClose={() => setScanning(false)}
          onResult={(t) => {
            setScanning(false);
            setSealed(t);
            pinRef.current?.querySelector('input')?.focus();
          }}
        />
      ) : (
        <button type="button" class="secondary" onClick={() => setScanning(true)}>
          {T('scanCard')}
        </button>
      )}
      <Field label={T('cardCode')} hint={T('cardHint')} value={sealed} onInput={setSealed} error={errors.card} autoComplete="off" spellcheck={false} autoCapitalize="none" />
      <div ref={pinRef}>
        <Field label={T('cardPin')} hint={T('cardPinHint')} type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onInput={setPin} error={errors.pin} />
      </div>
      {sent ? <Busy text={T('waiting')} /> : busy ? <Busy text={T('cardPaying')} /> : <button type="submit">{T('cardPay', { amount: formatCents(amount) })}</button>}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          {T('back')}
        </button>
      </div>
    </form>
  );
}

function Today(props: { actor: Actor }) {
  const [statement, setStatement] = useState<StatementJson | null>(null);
  const [lines, setLines] = useState<HistoryLineJson[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [refunding, setRefunding] = useState<HistoryLineJson | null>(null);
  const [refundText, setRefundText] = useState('');
  const [busy, setBusy] = useState(false);
  const me = props.actor.account;
  const load = async () => {
    try {
      const [s, h] = await Promise.all([
        props.actor.get<StatementJson>(`/v1/merchants/${me}/statement`),
        props.actor.get<{ lines?: HistoryLineJson[] }>(`/v1/accounts/${me}/history?pageSize=100`),
      ]);
      setStatement(s);
      const day = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Amsterdam' });
      setLines((h.lines ?? []).filter((l) => l.command === 'Pay' && l.outcome === 'ok' && new Date(int(l.timestampMs)).toLocaleDateString('en-CA', { timeZone: 'Europe/Amsterdam' }) === day));
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => {
    load();
  }, []);
  const refunds = useRef(false);
  const refund = async (e: Event) => {
    e.preventDefault();
    if (!refunding || refunds.current) return;
    const cents = parseAmount(refundText);
    if (cents === null) {
      setError(T('badAmount'));
      return;
    }
    refunds.current = true;
    setBusy(true);
    setError(null);
    try {
      const entry = await props.actor.get<{ commandId: string; actor: string }>(`/v1/entries/${refunding.height}`);
      await props.actor.submit({ type: 'Refund', payer: entry.actor, payment: entry.commandId, amount: cents });
      setMessage(T('refunded1', { amount: formatCents(cents) }));
      setRefunding(null);
      await load();
    } catch (x) {
      setError(messageOf(x));
    } finally {
      refunds.current = false;
      setBusy(false);
    }
  };
  if (!statement && !error) return <Busy />;
  return (
    <div>
      <ScreenTitle>{T('todayTitle')}</ScreenTitle>
      {error && <Notice kind="error">{error}</Notice>}
      {message && <Notice kind="ok">{message}</Notice>}
      {statement && (
        <div class="card">
          <table>
            <tbody>
              <tr><th scope="row">{T('payments')}</th><td class="num">{statement.payments ?? 0}</td></tr>
              <tr><th scope="row">{T('received')}</th><td class="num"><Money cents={int(statement.receivedCents)} /></td></tr>
              <tr><th scope="row">{T('refunded')}</th><td class="num"><Money cents={int(statement.refundedCents)} /></td></tr>
              <tr><th scope="row">{T('redeemed')}</th><td class="num"><Money cents={int(statement.redeemedCents)} /></td></tr>
              <tr><th scope="row">{T('balance')}</th><td class="num"><strong><Money cents={int(statement.balanceCents)} /></strong></td></tr>
            </tbody>
          </table>
        </div>
      )}
      <h2>{T('payments')}</h2>
      {lines.length === 0 ? (
        <p>{T('noPayments')}</p>
      ) : (
        <ul class="cards">
          {lines.map((l) => (
            <li class="card" key={l.height}>
              <p>
                <strong><Money cents={int(l.amountCents)} /></strong> · {formatTime(int(l.timestampMs), false)}
              </p>
              <p class="meta">{l.description}</p>
              {refunding?.height === l.height ? (
                <form onSubmit={refund} noValidate>
                  <Field label={T('refundAmount')} value={refundText} onInput={setRefundText} inputMode="decimal" autoComplete="off" maxLength={12} />
                  {busy ? <Busy /> : <button type="submit">{T('refundDo', { amount: formatCents(parseAmount(refundText) ?? 0) })}</button>}
                </form>
              ) : (
                <button type="button" class="secondary" onClick={() => { setRefunding(l); setRefundText(plainAmount(int(l.amountCents))); }}>
                  {T('refund')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Redeem(props: { actor: Actor }) {
  const [balance, setBalance] = useState<number | null>(null);
  const [list, setList] = useState<{ redemptions?: RedemptionJson[]; outstandingCents?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const me = props.actor.account;
  const load = async () => {
    try {
      const [b, r] = await Promise.all([
        props.actor.get<{ balanceCents?: string }>(`/v1/accounts/${me}/balance`),
        props.actor.get<{ redemptions?: RedemptionJson[]; outstandingCents?: string }>(`/v1/merchants/${me}/redemptions`),
      ]);
      setBalance(int(b.balanceCents));
      setList(r);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => {
    load();
  }, []);
  const redeem = async () => {
    if (!balance) return;
    setBusy(true);
    setError(null);
    try {
      await props.actor.submit({ type: 'Redeem', amount: balance });
      setMessage(T('redeemDone', { amount: formatCents(balance) }));
      await load();
    } catch (x) {
      setError(messageOf(x));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <ScreenTitle>{T('redeemTitle')}</ScreenTitle>
      <p>{T('redeemText')}</p>
      {error && <Notice kind="error">{error}</Notice>}
      {message && <Notice kind="ok">{message}</Notice>}
      {balance === null ? (
        <Busy />
      ) : balance > 0 ? (
        busy ? <Busy /> : <button type="button" class="block" onClick={redeem}>{T('redeemAll', { amount: formatCents(balance) })}</button>
      ) : (
        <p>{T('redeemNone')}</p>
      )}
      {list && (list.redemptions ?? []).length > 0 && (
        <>
          <h2>{T('redemptions')}</h2>
          <p>{T('outstanding', { amount: formatCents(int(list.outstandingCents)) })}</p>
          <ul class="cards">
            {(list.redemptions ?? []).map((r) => (
              <li class="card" key={r.id}>
                <Money cents={int(r.amountCents)} /> — {r.settled ? <span class="status-ok">✓ {T('settled', { ref: r.bankReference ?? '' })}</span> : T('open')}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** An amount as people type it, without thousands separators (which parseAmount does not take): "1234,56". */
function plainAmount(cents: number): string {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

render(<App />, document.getElementById('root')!);
