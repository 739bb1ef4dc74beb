// Paying at a shop: scan the till's QR code or type its short code, check shop and amount, confirm with the PIN; then
// a receipt that can be checked against the chain's signed checkpoint without trusting the server.
import { useRef, useState } from 'preact/hooks';
import { type Actor, type Prepared, Rejected, submitEnvelope } from '../../ui/actor';
import { ApiError, messageOf } from '../../ui/api';
import { chain, serverNow } from '../../ui/chain';
import { Busy, Field, Money, Notice, ScreenTitle, SubmitButton } from '../../ui/components';
import { formatCents, formatTime, int } from '../../ui/money';
import { QrScanner } from '../../ui/lazy-scanner';
import type { PaymentRequestJson } from '../../ui/types';
import { WrongPin, checkReceipt, unseal } from '../../ui/wallet';
import { T } from './texts';

type Step =
  | { kind: 'enter' }
  | { kind: 'confirm'; request: PaymentRequestJson }
  | { kind: 'paid'; request: PaymentRequestJson; height: number; entryHash: string; at: number };

/** What a till's QR code says: `heerlenmunt:pay?chain=…&merchant=hm1…&amount=1250&request=…&code=…`. */
export function parsePaymentQr(text: string): { code: string; merchant?: string; amount?: number; chain?: string } | null {
  const trimmed = text.trim();
  if (!trimmed.toLowerCase().startsWith('heerlenmunt:pay?')) return null;
  const q = new URLSearchParams(trimmed.slice(trimmed.indexOf('?') + 1));
  const code = q.get('request') ?? q.get('code');
  if (!code) return null;
  const amount = Number(q.get('amount'));
  return { code, merchant: q.get('merchant') ?? undefined, amount: Number.isSafeInteger(amount) ? amount : undefined, chain: q.get('chain') ?? undefined };
}

export function Pay(props: { actor: Actor; sealed: string }) {
  const [step, setStep] = useState<Step>({ kind: 'enter' });
  if (step.kind === 'enter') return <EnterCode actor={props.actor} onFound={(request) => setStep({ kind: 'confirm', request })} />;
  if (step.kind === 'confirm')
    return (
      <Confirm
        actor={props.actor}
        sealed={props.sealed}
        request={step.request}
        onBack={() => setStep({ kind: 'enter' })}
        onPaid={(height, entryHash) => setStep({ kind: 'paid', request: step.request, height, entryHash, at: Date.now() })}
      />
    );
  return <Receipt {...step} onDone={() => setStep({ kind: 'enter' })} />;
}

function EnterCode(props: { actor: Actor; onFound: (r: PaymentRequestJson) => void }) {
  const [code, setCode] = useState('');
  const [scanning, setScanning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const lookUp = async (typed: string, fromQr?: { merchant?: string; amount?: number; chain?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const clean = typed.replace(/[\s-]/g, '').toUpperCase();
      if (!fromQr && !/^[A-Z0-9]{8}$/.test(clean)) throw new Error(T('badCode'));
      const request = await props.actor.get<PaymentRequestJson>(`/v1/payment-requests/${encodeURIComponent(fromQr ? typed : clean)}`);
      // The server cannot redirect a payment: what the QR code said must be what the server answers.
      const { info } = await chain();
      if (fromQr && ((fromQr.merchant && fromQr.merchant !== request.merchant) || (fromQr.amount !== undefined && fromQr.amount !== int(request.amountCents)) || (fromQr.chain && fromQr.chain !== info.chainId)))
        throw new Error(T('badCode'));
      if (request.status === 'paid') throw new Error(T('alreadyPaid'));
      if (request.status === 'expired') throw new Error(T('expired'));
      props.onFound(request);
    } catch (e) {
      setError(e instanceof ApiError && e.reason === 'invalid_argument' ? T('badCode') : messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <ScreenTitle>{T('payTitle')}</ScreenTitle>
      {scanning ? (
        <QrScanner
          onClose={() => setScanning(false)}
          onResult={(text) => {
            setScanning(false);
            const qr = parsePaymentQr(text);
            if (qr) lookUp(qr.code, qr);
            else setError(T('badCode'));
          }}
        />
      ) : (
        <button type="button" class="block" onClick={() => setScanning(true)}>
          {T('scan')}
        </button>
      )}
      <h2>{T('orType')}</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const qr = parsePaymentQr(code);
          lookUp(qr ? qr.code : code, qr ?? undefined);
        }}
      >
        <Field label={T('shortCode')} hint={T('shortCodeHint')} value={code} onInput={setCode} error={error} autoComplete="off" autoCapitalize="none" spellcheck={false} maxLength={200} />
        <SubmitButton busy={busy}>{T('next')}</SubmitButton>
      </form>
    </div>
  );
}

function Confirm(props: { actor: Actor; sealed: string; request: PaymentRequestJson; onBack: () => void; onPaid: (height: number, hash: string) => void }) {
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One payment at a time (a second Enter while the PIN is checked must not pay again), and while its outcome is
  // unknown, a retry sends exactly the same signed bytes: the ledger then answers with the first outcome.
  const running = useRef(false);
  const pending = useRef<Prepared | null>(null);
  const amount = int(props.request.amountCents);
  const pay = async (e: Event) => {
    e.preventDefault();
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      // The PIN is checked by opening the sealed key again: nobody holding an unlocked phone can pay without it.
      const wallet = await unseal(props.sealed, pin);
      if (wallet.account !== props.actor.account) throw new WrongPin();
      if (!pending.current) {
        // A request about to expire is refused here: the till stops waiting when it expires.
        if ((await serverNow()) > int(props.request.expiresAtMs) - 15_000) throw new Error(T('expired'));
        pending.current = await props.actor.prepare({ type: 'Pay', merchant: props.request.merchant, amount, request: props.request.id });
      }
      const done = await submitEnvelope(pending.current.envelope, pending.current.commandId);
      pending.current = null;
      props.onPaid(done.height, done.entryHash);
    } catch (x) {
      if (x instanceof Rejected) pending.current = null; // decided on the chain: a new attempt is a new payment
      setPin('');
      setError(x instanceof WrongPin ? T('wrongPin') : messageOf(x));
      setBusy(false);
    } finally {
      running.current = false;
    }
  };
  return (
    <form onSubmit={pay} noValidate>
      <ScreenTitle>{T('confirmTitle')}</ScreenTitle>
      <div class="card">
        <p>
          {T('amount')}: <Money cents={amount} class="big-money" />
        </p>
        <p>
          {T('payTo')}: <span class="code">{props.request.merchant.slice(0, 12)}…{props.request.merchant.slice(-4)}</span>
        </p>
        <p class="meta">
          {T('shortCode')}: {props.request.shortCode}
        </p>
      </div>
      <Field label={T('confirmPin')} type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onInput={setPin} error={error} />
      <SubmitButton busy={busy} busyText={T('paying')} class="block">
        {T('pay', { amount: formatCents(amount) })}
      </SubmitButton>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          {T('back')}
        </button>
      </div>
    </form>
  );
}

function Receipt(props: { request: PaymentRequestJson; height: number; entryHash: string; at: number; onDone: () => void }) {
  const [check, setCheck] = useState<{ kind: 'ok' | 'error' | 'warn'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const amount = int(props.request.amountCents);
  const verify = async () => {
    setBusy(true);
    setCheck(null);
    try {
      const c = await chain();
      const result = await checkReceipt(props.height, props.entryHash, c.pinnedOperatorKey);
      if (result.kind === 'included') {
        const warn = c.pinnedOperatorKey !== c.info.operatorKey;
        setCheck(warn ? { kind: 'warn', text: T('keyChanged') } : { kind: 'ok', text: T('verified', { block: result.checkpoint }) });
      } else if (result.kind === 'not_yet') setCheck({ kind: 'warn', text: T('notYet') });
      else setCheck({ kind: 'error', text: T('notVerified') });
    } catch (e) {
      setCheck({ kind: 'error', text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div class="paid" role="status">
        <ScreenTitle>{T('paidTitle')}</ScreenTitle>
        <p class="big-money">{formatCents(amount)}</p>
        <p>{T('paidText', { amount: formatCents(amount) })}</p>
      </div>
      <section class="card" aria-labelledby="receipt-title">
        <h2 id="receipt-title">{T('receipt')}</h2>
        <dl>
          <dt>{T('receiptWhen')}</dt>
          <dd>{formatTime(props.at)}</dd>
          <dt>{T('payTo')}</dt>
          <dd class="code">{props.request.merchant}</dd>
          <dt>{T('receiptEntry')}</dt>
          <dd>{props.height}</dd>
          <dt>{T('receiptHash')}</dt>
          <dd class="code">{props.entryHash}</dd>
        </dl>
        {busy ? (
          <Busy text={T('verifying')} />
        ) : (
          <button type="button" class="secondary" onClick={verify}>
            {T('verify')}
          </button>
        )}
        {check && <Notice kind={check.kind}>{check.text}</Notice>}
      </section>
      <button type="button" class="block" onClick={props.onDone}>
        {T('newPayment')}
      </button>
    </div>
  );
}
