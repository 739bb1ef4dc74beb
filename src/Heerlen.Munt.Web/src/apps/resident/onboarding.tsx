// Onboarding in three screens: welcome → the twelve words → two of them checked and a PIN. Or restore from the words.
// Nothing personal is asked: the account is a key, and the municipality confirms residency at the counter.
import { useState } from 'preact/hooks';
import { Field, Notice, ScreenTitle, SubmitButton } from '../../ui/components';
import { saveKey } from '../../ui/keystore';
import { type Wallet, checkPin, createPhrase, phraseValid, phraseWords, seal, walletFromPhrase } from '../../ui/wallet';
import { T } from './texts';
import { messageOf } from '../../ui/api';

type Step = 'welcome' | 'words' | 'check' | 'restore' | 'restore-pin';

export function Onboarding(props: { onDone: (wallet: Wallet, restored: boolean) => Promise<void> }) {
  const [step, setStep] = useState<Step>('welcome');
  const [phrase, setPhrase] = useState('');
  const [typed, setTyped] = useState('');
  // Two different word positions (1-based) to ask back, chosen once.
  const [ask] = useState(() => {
    const a = 1 + Math.floor(Math.random() * 12);
    let b = 1 + Math.floor(Math.random() * 11);
    if (b >= a) b++;
    return a < b ? [a, b] : [b, a];
  });

  // Each step has its own key: Preact would otherwise reuse the previous step's heading (no focus moves to it) and
  // its buttons (the focus stays on a button that now does something else).
  if (step === 'welcome')
    return (
      <div key="welcome">
        <ScreenTitle>{T('welcome')}</ScreenTitle>
        <p>{T('welcomeText')}</p>
        <p>{T('welcomeKey')}</p>
        <div class="actions">
          <button
            type="button"
            class="block"
            onClick={() => {
              setPhrase(createPhrase());
              setStep('words');
            }}
          >
            {T('create')}
          </button>
          <button type="button" class="block secondary" onClick={() => setStep('restore')}>
            {T('restore')}
          </button>
        </div>
      </div>
    );

  if (step === 'words')
    return (
      <div key="words">
        <ScreenTitle>{T('wordsTitle')}</ScreenTitle>
        <p>{T('wordsText')}</p>
        <ol class="words" aria-label={T('words')}>
          {phraseWords(phrase).map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ol>
        <div class="actions">
          <button type="button" class="block" onClick={() => setStep('check')}>
            {T('wroteThem')}
          </button>
          <button type="button" class="secondary" onClick={() => setStep('welcome')}>
            {T('back')}
          </button>
        </div>
      </div>
    );

  if (step === 'check')
    return (
      <PinStep
        key="check"
        title={T('checkTitle')}
        intro={T('checkText')}
        askWords={ask}
        phrase={phrase}
        onBack={() => setStep('words')}
        onDone={(pin) => finish(phrase, pin, false)}
      />
    );

  if (step === 'restore')
    return (
      <RestoreWords
        value={typed}
        onInput={setTyped}
        onBack={() => setStep('welcome')}
        onNext={() => setStep('restore-pin')}
      />
    );

  return (
    <PinStep key="restore-pin" title={T('pinTitle')} phrase={typed} onBack={() => setStep('restore')} onDone={(pin) => finish(typed, pin, true)} />
  );

  async function finish(words: string, pin: string, restored: boolean) {
    const wallet = walletFromPhrase(words);
    const sealed = await seal(wallet, pin);
    await saveKey({ app: 'resident', account: wallet.account, label: 'Heerlen Munt', sealed });
    await props.onDone(wallet, restored);
  }
}

function RestoreWords(props: { value: string; onInput: (v: string) => void; onBack: () => void; onNext: () => void }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (phraseValid(props.value)) props.onNext();
        else setError(T('badWords'));
      }}
    >
      <ScreenTitle>{T('restoreTitle')}</ScreenTitle>
      <p>{T('restoreText')}</p>
      <Field label={T('words')} value={props.value} onInput={props.onInput} error={error} autoComplete="off" autoCapitalize="none" spellcheck={false} />
      <button type="submit" class="block">
        {T('next')}
      </button>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          {T('back')}
        </button>
      </div>
    </form>
  );
}

function PinStep(props: {
  title: string;
  intro?: string;
  askWords?: number[];
  phrase: string;
  onBack: () => void;
  onDone: (pin: string) => Promise<void>;
}) {
  const words = phraseWords(props.phrase);
  const [answers, setAnswers] = useState<string[]>(props.askWords?.map(() => '') ?? []);
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    props.askWords?.forEach((n, i) => {
      if (answers[i].trim().toLowerCase() !== words[n - 1]) found[`w${i}`] = T('wordWrong', { n });
    });
    const pinProblem = checkPin(pin);
    if (pinProblem) found.pin = pinProblem;
    else if (pin !== pin2) found.pin2 = T('pinsDiffer');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await props.onDone(pin);
    } catch (x) {
      setErrors({ form: messageOf(x) });
      setBusy(false);
    }
  };
  return (
    <form noValidate onSubmit={submit}>
      <ScreenTitle>{props.title}</ScreenTitle>
      {props.intro && <p>{props.intro}</p>}
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      {props.askWords?.map((n, i) => (
        <Field
          key={n}
          label={T('wordN', { n })}
          value={answers[i]}
          onInput={(v) => setAnswers(answers.map((a, j) => (j === i ? v : a)))}
          error={errors[`w${i}`]}
          autoComplete="off"
          autoCapitalize="none"
          spellcheck={false}
        />
      ))}
      <Field label={T('pin')} hint={T('pinHint')} type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={pin} onInput={setPin} error={errors.pin} />
      <Field label={T('pinAgain')} type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={pin2} onInput={setPin2} error={errors.pin2} />
      <SubmitButton busy={busy} busyText={T('making')} class="block">
        {T('finish')}
      </SubmitButton>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          {T('back')}
        </button>
      </div>
    </form>
  );
}
