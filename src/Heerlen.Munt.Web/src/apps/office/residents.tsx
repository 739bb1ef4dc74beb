// Residents at the counter: make a munt card for someone without a smartphone (their PIN, typed by them; a daily
// limit), block a lost card, and replace it with two officers. (Opening an account makes it a resident's: the app
// needs no counter.)
import { useState } from 'preact/hooks';
import { Actor, Rejected } from '../../ui/actor';
import { Jobs, MyJobs } from '../resident/jobs';
import { Busy, Field, Notice, QrCode, ScreenTitle } from '../../ui/components';
import { formatCents, parseAmount } from '../../ui/money';
import type { StoredKey } from '../../ui/keystore';
import { WrongPin, checkPin, isAccount, randomWallet, unseal, seal, sealedAccount, walletWithKeyOf } from '../../ui/wallet';
import { CosignFields, useCosign } from './cosign';
import { T } from './texts';
import { messageOf } from '../../ui/api';

interface Card {
  sealed: string;
  account: string;
  limitCents: number;
}

export function Residents(props: { actor: Actor; me: StoredKey }) {
  const [card, setCard] = useState<Card | null>(null);
  if (card) return <PrintCard card={card} onBack={() => setCard(null)} />;
  return (
    <div>
      <ScreenTitle>{T('residentsTitle')}</ScreenTitle>
      <MakeCard actor={props.actor} onMade={setCard} />
      <AssistCard />
      <BlockCard actor={props.actor} />
      <ReplaceCard actor={props.actor} me={props.me} onMade={setCard} />
    </div>
  );
}

/** Reads an account id typed, pasted, or scanned (from the resident's app, or from a munt card's QR code). */
function accountFrom(text: string): string {
  const t = text.trim();
  if (t.startsWith('hmc1.')) {
    try {
      return sealedAccount(t);
    } catch {
      return t;
    }
  }
  return t;
}

function PinPair(props: { pin: string; pin2: string; setPin: (v: string) => void; setPin2: (v: string) => void; errors: Record<string, string> }) {
  return (
    <>
      <Field label={T('cardPin')} type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={props.pin} onInput={props.setPin} error={props.errors.pin} />
      <Field label={T('cardPinAgain')} type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={props.pin2} onInput={props.setPin2} error={props.errors.pin2} />
    </>
  );
}

function pinErrors(pin: string, pin2: string): Record<string, string> {
  const problem = checkPin(pin);
  if (problem) return { pin: problem };
  if (pin !== pin2) return { pin2: T('pinsDiffer') };
  return {};
}

function MakeCard(props: { actor: Actor; onMade: (c: Card) => void }) {
  const [limit, setLimit] = useState('25');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const found = pinErrors(pin, pin2);
    const limitCents = parseAmount(limit);
    if (limitCents === null) found.limit = T('badAmount');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      // The card's key is made here and never stored: it leaves this browser only sealed under the resident's PIN.
      const wallet = randomWallet();
      const sealed = await seal(wallet, pin);
      await new Actor(wallet).submit({ type: 'OpenAccount' });
      await props.actor.submit({ type: 'SetSpendingLimit', account: wallet.account, dailyLimit: limitCents! });
      props.onMade({ sealed, account: wallet.account, limitCents: limitCents! });
    } catch (x) {
      setErrors({ form: messageOf(x) });
    } finally {
      setPin('');
      setPin2('');
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="make-card">
      <h2 id="make-card">{T('cardTitle')}</h2>
      <p>{T('cardText')}</p>
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <Field label={T('dailyLimit')} hint={T('dailyLimitHint')} value={limit} onInput={setLimit} error={errors.limit} inputMode="decimal" maxLength={8} />
      <PinPair pin={pin} pin2={pin2} setPin={setPin} setPin2={setPin2} errors={errors} />
      {busy ? <Busy text={T('making')} /> : <button type="submit">{T('makeCard')}</button>}
    </form>
  );
}

/**
 * A card holder at the counter takes a job and reports it done: the officer scans the card, the resident types the PIN,
 * and the card's own key signs the enrolment and the completion (with the photo the officer takes). The key is dropped
 * when the officer closes the card. Another officer should approve the work.
 */
function AssistCard() {
  const [card, setCard] = useState<Actor | null>(null);
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const open = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    try {
      sealedAccount(code.trim());
    } catch {
      return setErrors({ code: T('badCard') });
    }
    setBusy(true);
    try {
      setCard(new Actor(await unseal(code.trim(), pin)));
    } catch (x) {
      setErrors({ pin: x instanceof WrongPin ? T('wrongPin') : messageOf(x) });
    } finally {
      setPin('');
      setBusy(false);
    }
  };
  if (card)
    return (
      <section class="card" aria-labelledby="assist-open">
        <h2 id="assist-open">{T('assistFor', { account: `${card.account.slice(0, 14)}…` })}</h2>
        <p>{T('assistOpenText')}</p>
        <button type="button" class="secondary" onClick={() => { setCard(null); setCode(''); }}>{T('assistClose')}</button>
        <MyJobs actor={card} embedded />
        <Jobs actor={card} embedded />
      </section>
    );
  return (
    <form class="card" onSubmit={open} noValidate aria-labelledby="assist-card">
      <h2 id="assist-card">{T('assistTitle')}</h2>
      <p>{T('assistText')}</p>
      <Field label={T('cardCode')} hint={T('cardCodeHint')} value={code} onInput={setCode} error={errors.code} autoCapitalize="none" spellcheck={false} maxLength={400} />
      <Field label={T('cardPin')} type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onInput={setPin} error={errors.pin} />
      {busy ? <Busy /> : <button type="submit">{T('assistOpen')}</button>}
    </form>
  );
}

function BlockCard(props: { actor: Actor }) {
  const [account, setAccount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const id = accountFrom(account);
    if (!isAccount(id)) return setError(T('badAccount'));
    setBusy(true);
    setError(null);
    try {
      await props.actor.submit({ type: 'FreezeAccount', account: id, frozen: true });
      setMessage(T('blocked'));
    } catch (x) {
      setError(messageOf(x));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="block-card">
      <h2 id="block-card">{T('blockTitle')}</h2>
      <p>{T('blockText')}</p>
      {message && <Notice kind="ok">{message}</Notice>}
      <Field label={T('account')} value={account} onInput={setAccount} error={error} autoCapitalize="none" spellcheck={false} maxLength={400} />
      {busy ? <Busy /> : <button type="submit" class="danger">{T('block')}</button>}
    </form>
  );
}

function ReplaceCard(props: { actor: Actor; me: StoredKey; onMade: (c: Card) => void }) {
  const [account, setAccount] = useState('');
  const [limit, setLimit] = useState('25');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const cosign = useCosign(props.me);
  const submit = async (e: Event) => {
    e.preventDefault();
    const id = accountFrom(account);
    const found = pinErrors(pin, pin2);
    if (!isAccount(id)) found.account = T('badAccount');
    const limitCents = parseAmount(limit);
    if (limitCents === null) found.limit = T('badAmount');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const second = await cosign.open();
      const fresh = randomWallet();
      // Two officers give the account a new key; the id, the balance and the limit stay; the old card's key is dead.
      await props.actor.submit({ type: 'RotateKey', account: id, newKey: fresh.account }, second);
      await props.actor.submit({ type: 'FreezeAccount', account: id, frozen: false });
      // The limit printed on the new card is the one the ledger applies.
      try {
        await props.actor.submit({ type: 'SetSpendingLimit', account: id, dailyLimit: limitCents! });
      } catch (x) {
        if (!(x instanceof Rejected && x.code === 'spending_limit_unchanged')) throw x;
      }
      const sealed = await seal(walletWithKeyOf(fresh, id), pin);
      props.onMade({ sealed, account: id, limitCents: limitCents! });
    } catch (x) {
      setErrors({ form: messageOf(x) });
    } finally {
      setPin('');
      setPin2('');
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="replace-card">
      <h2 id="replace-card">{T('replaceTitle')}</h2>
      <p>{T('replaceText')}</p>
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <Field label={T('account')} value={account} onInput={setAccount} error={errors.account} autoCapitalize="none" spellcheck={false} maxLength={400} />
      <Field label={T('dailyLimit')} hint={T('dailyLimitHint')} value={limit} onInput={setLimit} error={errors.limit} inputMode="decimal" maxLength={8} />
      <PinPair pin={pin} pin2={pin2} setPin={setPin} setPin2={setPin2} errors={errors} />
      <CosignFields cosign={cosign} />
      {busy ? <Busy text={T('making')} /> : <button type="submit">{T('replace')}</button>}
    </form>
  );
}

/** The card on A4: cut along the line, fold once; front with the QR code, back with how to use it. */
function PrintCard(props: { card: Card; onBack: () => void }) {
  return (
    <div>
      <Notice kind="ok">{T('cardMade')}</Notice>
      <div class="actions no-print">
        <button type="button" onClick={() => window.print()}>{T('print')}</button>
        <button type="button" class="secondary" onClick={props.onBack}>{T('back')}</button>
      </div>
      <section class="munt-card" aria-label={T('cardHeading')}>
        <div class="munt-card-face">
          <h2>{T('cardHeading')}</h2>
          <QrCode text={props.card.sealed} label={T('cardQr')} size={180} />
          <p class="meta">{T('cardAccount')}</p>
          <p class="code">{props.card.account}</p>
        </div>
        <div class="munt-card-face">
          <p>{T('cardUse')}</p>
          <p>{T('cardLimit', { amount: formatCents(props.card.limitCents) })}</p>
          <p>{T('cardLost')}</p>
        </div>
      </section>
    </div>
  );
}
