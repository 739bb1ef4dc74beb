// Opening a wallet kept on this device with its PIN, and adding one from its twelve words. Shared by the till, the
// back office and the auditor's dashboard (the resident app has its own, gentler onboarding).
import { useEffect, useState } from 'preact/hooks';
import { Busy, Field, Notice, ScreenTitle, Select, SubmitButton } from './components';
import { dict, useLang } from './i18n';
import { type StoredKey, deleteKey, listKeys, saveKey } from './keystore';
import { type Wallet, WrongPin, checkPin, phraseValid, seal, unseal, walletFromPhrase } from './wallet';
import { messageOf } from './api';

const T = dict(
  {
    unlockTitle: 'Inloggen',
    who: 'Wie bent u?',
    pin: 'Pincode',
    pinHint: '5 tot 8 cijfers',
    open: 'Open',
    wrongPin: 'Deze pincode klopt niet. Probeer het opnieuw.',
    addTitle: 'Sleutel toevoegen aan dit apparaat',
    addIntro: 'Typ de 12 woorden die u van de gemeente kreeg. Ze blijven op dit apparaat, versleuteld met uw pincode.',
    words: 'De 12 woorden',
    wordsHint: 'Met spaties ertussen, in de goede volgorde',
    badWords: 'Deze woorden passen niet bij elkaar. Controleer elk woord en de volgorde.',
    label: 'Naam op dit apparaat',
    labelHint: 'Alleen om te kiezen op dit apparaat, bijvoorbeeld "Bakkerij" of "Anouk"',
    pinAgain: 'Pincode nog een keer',
    pinsDiffer: 'De twee pincodes zijn niet gelijk.',
    save: 'Bewaar op dit apparaat',
    addAnother: 'Iemand anders toevoegen',
    forget: 'Verwijder van dit apparaat',
    back: 'Terug',
    opening: 'Sleutel openen…',
  },
  {
    unlockTitle: 'Sign in',
    who: 'Who are you?',
    pin: 'PIN',
    pinHint: '5 to 8 digits',
    open: 'Open',
    wrongPin: 'This PIN is not right. Please try again.',
    addTitle: 'Add a key to this device',
    addIntro: 'Type the 12 words you got from the municipality. They stay on this device, encrypted with your PIN.',
    words: 'The 12 words',
    wordsHint: 'With spaces between them, in the right order',
    badWords: 'These words do not fit together. Check each word and the order.',
    label: 'Name on this device',
    labelHint: 'Only to choose on this device, for example "Bakery" or "Anouk"',
    pinAgain: 'PIN again',
    pinsDiffer: 'The two PINs are not the same.',
    save: 'Save on this device',
    addAnother: 'Add someone else',
    forget: 'Remove from this device',
    back: 'Back',
    opening: 'Opening the key…',
  },
);

/** Lets a person open their key (PIN) or add one (twelve words); calls onOpen with the unlocked wallet. */
export function Unlock(props: { app: string; intro?: string; onOpen: (wallet: Wallet, key: StoredKey) => void }) {
  useLang();
  const [keys, setKeys] = useState<StoredKey[] | null>(null);
  const [adding, setAdding] = useState(false);
  const reload = () => listKeys(props.app).then(setKeys, () => setKeys([]));
  useEffect(() => {
    reload();
  }, []);
  if (keys === null) return <Busy />;
  if (adding || keys.length === 0)
    return (
      <AddKey
        app={props.app}
        intro={props.intro}
        onCancel={keys.length > 0 ? () => setAdding(false) : undefined}
        onSaved={(wallet, key) => props.onOpen(wallet, key)}
      />
    );
  return <OpenKey keys={keys} onOpen={props.onOpen} onAdd={() => setAdding(true)} onForget={() => reload()} />;
}

function OpenKey(props: { keys: StoredKey[]; onOpen: (w: Wallet, k: StoredKey) => void; onAdd: () => void; onForget: () => void }) {
  const [id, setId] = useState(props.keys[0].id);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = props.keys.find((k) => k.id === id) ?? props.keys[0];
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onOpen(await unseal(key.sealed, pin), key);
    } catch (x) {
      setError(x instanceof WrongPin ? T('wrongPin') : messageOf(x));
      setPin('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit}>
      <ScreenTitle>{T('unlockTitle')}</ScreenTitle>
      {props.keys.length > 1 ? (
        <Select label={T('who')} value={id} onChange={setId} options={props.keys.map((k) => ({ value: k.id, label: k.label }))} />
      ) : (
        <p>
          <strong>{key.label}</strong>
        </p>
      )}
      <Field label={T('pin')} hint={T('pinHint')} type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onInput={setPin} error={error} />
      <SubmitButton busy={busy} busyText={T('opening')} class="block">{T('open')}</SubmitButton>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onAdd}>
          {T('addAnother')}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={async () => {
            await deleteKey(key.id);
            props.onForget();
          }}
        >
          {T('forget')}: {key.label}
        </button>
      </div>
    </form>
  );
}

/** Twelve words, a name and a PIN (twice): the key is sealed and stored on this device. */
export function AddKey(props: { app: string; intro?: string; onCancel?: () => void; onSaved: (w: Wallet, k: StoredKey) => void }) {
  const [words, setWords] = useState('');
  const [label, setLabel] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!phraseValid(words)) found.words = T('badWords');
    const pinProblem = checkPin(pin);
    if (pinProblem) found.pin = pinProblem;
    else if (pin !== pin2) found.pin2 = T('pinsDiffer');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const wallet = walletFromPhrase(words);
      const sealed = await seal(wallet, pin);
      const key = await saveKey({ app: props.app, account: wallet.account, label: label.trim() || wallet.account.slice(0, 10), sealed });
      props.onSaved(wallet, key);
    } catch (x) {
      setErrors({ form: messageOf(x) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <ScreenTitle>{T('addTitle')}</ScreenTitle>
      <p>{props.intro ?? T('addIntro')}</p>
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <Field label={T('words')} hint={T('wordsHint')} value={words} onInput={setWords} error={errors.words} autoComplete="off" autoCapitalize="none" spellcheck={false} />
      <Field label={T('label')} hint={T('labelHint')} value={label} onInput={setLabel} maxLength={40} autoComplete="off" />
      <Field label={T('pin')} hint={T('pinHint')} type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={pin} onInput={setPin} error={errors.pin} />
      <Field label={T('pinAgain')} type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={pin2} onInput={setPin2} error={errors.pin2} />
      <SubmitButton busy={busy} class="block">{T('save')}</SubmitButton>
      {props.onCancel && (
        <div class="actions">
          <button type="button" class="secondary" onClick={props.onCancel}>
            {T('back')}
          </button>
        </div>
      )}
    </form>
  );
}
