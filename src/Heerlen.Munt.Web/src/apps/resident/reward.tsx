// "Beloning": a reward for taking part in a campaign (voting, a survey), as a blind-signed token (RFC 9474).
// The resident types the campaign's code (and, to be sure, its key code) from the desk; the app makes a random serial
// and blinds it, keeps both sealed on this phone, and shows only the blinded message (QR code and text). The desk signs
// it without learning it; the app unblinds the answer (typed, pasted or scanned from the desk's QR code) and checks it.
// It does not hand the token in then: the desk knows when it served whom, and the chain shows when each account handed
// a token in, so the two would match by time. The token waits, sealed, until a random moment 2 to 48 hours later
// (src/core/reward-due.ts), and main.tsx hands it in when the app is unlocked after that. For a campaign that is not
// sensitive the resident may hand it in now anyway (PIN), knowing it is less private.
// Loaded only when the tab is opened, with the RSA code (`kit`; see main.tsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Actor } from '../../ui/actor';
import { ApiError, api, messageOf } from '../../ui/api';
import { chain } from '../../ui/chain';
import { Busy, Field, Money, Notice, QrCode, ScreenTitle, SubmitButton } from '../../ui/components';
import { dict, useLang } from '../../ui/i18n';
import { type StoredReward, deleteReward, listRewards, saveReward } from '../../ui/keystore';
import { QrScanner } from '../../ui/lazy-scanner';
import { formatCents, formatTime, int } from '../../ui/money';
import type { CampaignJson } from '../../ui/types';
import { type CampaignKey, type PendingReward, type RewardKit, WrongPin, blindedMessageText, randomId, unseal } from '../../ui/wallet';
import { chooseDueMoment } from '../../core/reward-due';
import { deskAnswerText } from '../../core/reward';
import { AlreadyRunning, REWARDS_CHANGED, handIn } from './hand-in';

const T = dict(
  {
    title: 'Beloning ophalen',
    intro: 'Deed u mee aan een actie van de gemeente, bijvoorbeeld stemmen of een enquête? Dan kunt u een beloning krijgen. De balie geeft u de code van de actie.',
    code: 'Code van de actie',
    codeHint: '32 tekens: cijfers en de letters a tot f. U ziet de code bij de balie.',
    keyId: 'Sleutelcode',
    keyIdHint: 'Staat bij de balie onder de code. Zo weet de app zeker dat u de echte actie hebt.',
    find: 'Zoek de actie',
    badCode: 'Deze code klopt niet. De code van een actie heeft 32 tekens: cijfers en de letters a tot f.',
    badKeyId: 'Deze sleutelcode klopt niet. Hij heeft 64 tekens: cijfers en de letters a tot f.',
    keyMismatch: 'De sleutel van deze actie is niet de sleutel die de balie toont. Vraag geen bon aan en meld dit bij de gemeente.',
    keyInvalid: 'De sleutel van deze actie is niet goed. Meld dit bij de gemeente.',
    notOpenYet: 'Deze actie begint pas op {when}. Kom dan terug.',
    ended: 'Deze actie is voorbij. U kunt er geen beloning meer voor krijgen.',
    pendingTitle: 'Nog niet afgemaakt',
    pendingWaiting: 'Wacht op het antwoord van de balie.',
    pendingReady: 'Uw bon is klaar. U hebt de beloning nog niet gekregen.',
    pendingDue: 'Uw bon is klaar. De app levert hem vanzelf in, de eerste keer dat u de app opent na {when}.',
    pendingCode: 'Actie {code}',
    continue: 'Ga verder',
    remove: 'Verwijder',
    removeSure: 'Zeker weten? Heeft de balie al getekend, dan krijgt u voor deze actie geen nieuwe bon.',
    removeYes: 'Ja, verwijder',
    removeNo: 'Nee, bewaar',
    campaignTitle: 'Deze actie',
    name: 'Naam',
    noName: 'Deze actie heeft geen naam in de app. Zo blijft geheim waar u aan meedeed.',
    youGet: 'U krijgt',
    until: 'Loopt tot {when}',
    keyIdShort: 'Sleutelcode',
    makeText: 'De app maakt nu een bon die alleen bij uw account past. Die laat u zien aan de balie. De balie ziet niet wat er in de bon staat.',
    make: 'Maak mijn bon',
    making: 'Bon maken…',
    back: 'Terug',
    deskTitle: 'Laat dit zien aan de balie',
    deskText: 'De balie scant de QR-code of neemt de tekst over. Daarna laat de balie u een antwoord zien. Scan dat antwoord, of plak of typ het hieronder.',
    qr: 'QR-code van uw bon voor de balie',
    asText: 'De bon als tekst',
    answer: 'Antwoord van de balie',
    answerHint: 'Lukt scannen niet? Plak of typ dan de tekst die de balie u geeft.',
    answerMissing: 'Scan of plak eerst het antwoord van de balie.',
    scan: 'Scan het antwoord',
    scanWrong: 'Deze QR-code is geen antwoord van de balie. Scan de QR-code die de balie u laat zien, of typ het antwoord.',
    check: 'Controleer het antwoord',
    checking: 'Controleren…',
    waitTitle: 'Uw bon is klaar',
    comes: 'Uw beloning komt vanzelf. De app levert uw bon in op een willekeurig moment na {when}, zodra u de app opent. Zo kan niemand zien dat u het was die aan de balie stond.',
    openBefore: 'Open de app wel vóór {when}. Daarna is de actie voorbij en geeft de bon niets meer.',
    short: 'Deze actie stopt binnenkort. Daarom wacht de app korter dan anders. Zo is minder goed verborgen dat u het was.',
    now: 'Toch nu inleveren',
    nowText: 'Niet wachten kan ook. Maar dan is beter te zien dat u het was die aan de balie stond.',
    sensitiveNote: 'Bij deze actie wacht de app altijd. Zo blijft geheim waar u aan meedeed.',
    answerWrong: 'Dit antwoord past niet bij uw bon. Kijk of u alles hebt geplakt. Klopt het dan nog niet? Vraag de balie om een nieuw antwoord.',
    ready: 'Het antwoord van de balie klopt. Uw bon is klaar.',
    busyElsewhere: 'De app levert deze bon op dit moment al in. Kijk zo bij uw saldo.',
    pin: 'Typ uw pincode om de beloning op te halen',
    wrongPin: 'Deze pincode klopt niet. Probeer het opnieuw.',
    collect: 'Haal {amount} op',
    collectPlain: 'Haal de beloning op',
    collecting: 'Ophalen…',
    later: 'Later verder',
    doneTitle: 'Beloning ontvangen',
    doneText: 'U kreeg {amount}. Het staat bij uw saldo.',
    toBalance: 'Naar mijn saldo',
    refusedTitle: 'Geen beloning',
    again: 'Andere actie',
  },
  {
    title: 'Get a reward',
    intro: 'Did you take part in a campaign of the municipality, for example voting or a survey? Then you can get a reward. The desk gives you the code of the campaign.',
    code: 'Campaign code',
    codeHint: '32 characters: digits and the letters a to f. You see the code at the desk.',
    keyId: 'Key code',
    keyIdHint: 'Shown at the desk below the code. It lets the app be sure you have the real campaign.',
    find: 'Find the campaign',
    badCode: 'This code is not right. A campaign code has 32 characters: digits and the letters a to f.',
    badKeyId: 'This key code is not right. It has 64 characters: digits and the letters a to f.',
    keyMismatch: 'The key of this campaign is not the key the desk shows. Do not ask for a voucher and report this to the municipality.',
    keyInvalid: 'The key of this campaign is not right. Report this to the municipality.',
    notOpenYet: 'This campaign only starts on {when}. Come back then.',
    ended: 'This campaign is over. You can no longer get a reward for it.',
    pendingTitle: 'Not finished yet',
    pendingWaiting: 'Waiting for the answer from the desk.',
    pendingReady: 'Your voucher is ready. You have not received the reward yet.',
    pendingDue: 'Your voucher is ready. The app hands it in by itself, the first time you open the app after {when}.',
    pendingCode: 'Campaign {code}',
    continue: 'Continue',
    remove: 'Remove',
    removeSure: 'Are you sure? If the desk has already signed, you will not get another voucher for this campaign.',
    removeYes: 'Yes, remove',
    removeNo: 'No, keep it',
    campaignTitle: 'This campaign',
    name: 'Name',
    noName: 'This campaign has no name in the app. That way it stays secret what you took part in.',
    youGet: 'You get',
    until: 'Runs until {when}',
    keyIdShort: 'Key code',
    makeText: 'The app now makes a voucher that only fits your account. You show it at the desk. The desk cannot see what is in the voucher.',
    make: 'Make my voucher',
    making: 'Making the voucher…',
    back: 'Back',
    deskTitle: 'Show this at the desk',
    deskText: 'The desk scans the QR code or copies the text. Then the desk shows you an answer. Scan that answer, or paste or type it below.',
    qr: 'QR code of your voucher for the desk',
    asText: 'The voucher as text',
    answer: 'Answer from the desk',
    answerHint: 'Scanning does not work? Then paste or type the text the desk gives you.',
    answerMissing: 'Scan or paste the answer from the desk first.',
    scan: 'Scan the answer',
    scanWrong: 'This QR code is not an answer from the desk. Scan the QR code the desk shows you, or type the answer.',
    check: 'Check the answer',
    checking: 'Checking…',
    waitTitle: 'Your voucher is ready',
    comes: 'Your reward will come by itself. The app hands in your voucher at a random moment after {when}, as soon as you open the app. That way nobody can see that it was you at the desk.',
    openBefore: 'Do open the app before {when}. After that the campaign is over and the voucher pays nothing.',
    short: 'This campaign ends soon. So the app waits less than usual. That hides less well that it was you.',
    now: 'Hand in now anyway',
    nowText: 'You do not have to wait. But then it is easier to see that it was you at the desk.',
    sensitiveNote: 'For this campaign the app always waits. That way it stays secret what you took part in.',
    answerWrong: 'This answer does not fit your voucher. Check that you pasted all of it. Still not right? Ask the desk for a new answer.',
    ready: 'The answer from the desk is right. Your voucher is ready.',
    busyElsewhere: 'The app is handing in this voucher right now. Look at your balance in a moment.',
    pin: 'Type your PIN to collect the reward',
    wrongPin: 'This PIN is not right. Please try again.',
    collect: 'Collect {amount}',
    collectPlain: 'Collect the reward',
    collecting: 'Collecting…',
    later: 'Continue later',
    doneTitle: 'Reward received',
    doneText: 'You got {amount}. It is in your balance.',
    toBalance: 'To my balance',
    refusedTitle: 'No reward',
    again: 'Another campaign',
  },
);

type Step =
  | { kind: 'start' }
  | { kind: 'campaign'; campaign: CampaignJson; key: CampaignKey }
  | { kind: 'desk'; stored: StoredReward; pending: PendingReward; campaign: CampaignJson }
  | { kind: 'done'; amount: number }
  | { kind: 'refused'; message: string };

export function Reward(props: { actor: Actor; sealed: string; kit: RewardKit }) {
  useLang();
  const [step, setStep] = useState<Step>({ kind: 'start' });
  const restart = () => setStep({ kind: 'start' });
  if (step.kind === 'start')
    return <Start actor={props.actor} kit={props.kit} onCampaign={(campaign, key) => setStep({ kind: 'campaign', campaign, key })} onContinue={(stored, pending, campaign) => setStep({ kind: 'desk', stored, pending, campaign })} />;
  if (step.kind === 'campaign')
    return <Campaign actor={props.actor} kit={props.kit} campaign={step.campaign} campaignKey={step.key} onBack={restart} onMade={(stored, pending) => setStep({ kind: 'desk', stored, pending, campaign: step.campaign })} />;
  if (step.kind === 'desk')
    return (
      <Desk
        key={step.stored.id}
        actor={props.actor}
        kit={props.kit}
        sealed={props.sealed}
        stored={step.stored}
        pending={step.pending}
        campaign={step.campaign}
        onBack={restart}
        onDone={(amount) => setStep({ kind: 'done', amount })}
        onRefused={(message) => setStep({ kind: 'refused', message })}
      />
    );
  if (step.kind === 'done')
    return (
      <div>
        <div class="paid" role="status">
          <ScreenTitle>{T('doneTitle')}</ScreenTitle>
          <p class="big-money">{formatCents(step.amount)}</p>
          <p>{T('doneText', { amount: formatCents(step.amount) })}</p>
        </div>
        <div class="actions">
          <a class="button" href="#/money">
            {T('toBalance')}
          </a>
          <button type="button" class="secondary" onClick={restart}>
            {T('again')}
          </button>
        </div>
      </div>
    );
  return (
    <div>
      <ScreenTitle>{T('refusedTitle')}</ScreenTitle>
      <Notice kind="error">{step.message}</Notice>
      <button type="button" class="secondary" onClick={restart}>
        {T('again')}
      </button>
    </div>
  );
}

/** Pending tokens of this account that open with its key, oldest first. */
async function loadPending(actor: Actor, kit: RewardKit): Promise<{ stored: StoredReward; pending: PendingReward }[]> {
  const found: { stored: StoredReward; pending: PendingReward }[] = [];
  for (const stored of await listRewards(actor.account)) {
    try {
      found.push({ stored, pending: kit.openReward(stored.sealed, actor.wallet) });
    } catch {
      // Sealed under a key this account no longer has (rotated): it cannot be finished here.
    }
  }
  return found;
}

/** A campaign from the server, with its key checked: it must decode, and be the one the desk shows if the resident typed its code. */
async function lookUp(kit: RewardKit, code: string, keyId: string): Promise<{ campaign: CampaignJson; key: CampaignKey }> {
  const campaign = await api.get<CampaignJson>(`/v1/campaigns/${code}`);
  let key: CampaignKey;
  try {
    key = kit.campaignKey(campaign.publicKey ?? '');
  } catch {
    throw new ApiError('campaign_key_invalid', T('keyInvalid'));
  }
  if (keyId !== key.keyId) throw new ApiError('campaign_key_mismatch', T('keyMismatch'));
  return { campaign, key };
}

function Start(props: { actor: Actor; kit: RewardKit; onCampaign: (c: CampaignJson, key: CampaignKey) => void; onContinue: (s: StoredReward, p: PendingReward, c: CampaignJson) => void }) {
  const [pending, setPending] = useState<{ stored: StoredReward; pending: PendingReward }[] | null>(null);
  const [code, setCode] = useState('');
  const [keyId, setKeyId] = useState('');
  const [errors, setErrors] = useState<{ code?: string; keyId?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const reload = () => loadPending(props.actor, props.kit).then(setPending, (e) => {
    setPending([]);
    setErrors({ form: messageOf(e) });
  });
  useEffect(() => {
    reload();
    // The app handed tokens in by itself (main.tsx): list what is left.
    const changed = () => reload();
    window.addEventListener(REWARDS_CHANGED, changed);
    return () => window.removeEventListener(REWARDS_CHANGED, changed);
  }, []);

  const find = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const cleanCode = code.replace(/[\s-]/g, '').toLowerCase();
    const cleanKey = keyId.replace(/[\s-]/g, '').toLowerCase();
    const found: typeof errors = {};
    if (!/^[0-9a-f]{32}$/.test(cleanCode)) found.code = T('badCode');
    // Required (found in review): with another key from a dishonest server, the desk's answer could never be unblinded.
    if (!/^[0-9a-f]{64}$/.test(cleanKey)) found.keyId = T('badKeyId');
    setErrors(found);
    if (found.code || found.keyId) return;
    setBusy(true);
    try {
      const { campaign, key } = await lookUp(props.kit, cleanCode, cleanKey);
      if (campaign.status === 'CAMPAIGN_STATUS_NOT_OPEN_YET') throw new ApiError('campaign_not_open_yet', T('notOpenYet', { when: formatTime(int(campaign.opensAtMs)) }));
      if (campaign.status === 'CAMPAIGN_STATUS_ENDED' || campaign.status === 'CAMPAIGN_STATUS_CLOSED') throw new ApiError('campaign_closed', T('ended'));
      props.onCampaign(campaign, key);
    } catch (x) {
      const reason = x instanceof ApiError ? x.reason : '';
      if (reason === 'campaign_not_found' || reason === 'invalid_id') setErrors({ code: messageOf(x) });
      else if (reason === 'campaign_key_mismatch') setErrors({ keyId: messageOf(x) });
      else setErrors({ form: messageOf(x) });
      setBusy(false);
    }
  };

  // Removing a waiting voucher asks first (found in review): if the desk signed already, the person gets no second one.
  const [confirming, setConfirming] = useState<string | null>(null);

  const resume = async (item: { stored: StoredReward; pending: PendingReward }) => {
    setErrors({});
    try {
      props.onContinue(item.stored, item.pending, await api.get<CampaignJson>(`/v1/campaigns/${item.pending.campaign}`));
    } catch (x) {
      setErrors({ form: messageOf(x) });
    }
  };

  return (
    <div>
      <ScreenTitle>{T('title')}</ScreenTitle>
      {pending === null ? (
        <Busy />
      ) : (
        pending.length > 0 && (
          <section aria-labelledby="pending-title">
            <h2 id="pending-title">{T('pendingTitle')}</h2>
            <ul class="cards">
              {pending.map((item) => (
                <li class="card" key={item.stored.id}>
                  <h3>{T('pendingCode', { code: `${item.pending.campaign.slice(0, 8)}…` })}</h3>
                  <p>
                    {!item.pending.signature
                      ? T('pendingWaiting')
                      : item.stored.dueAtMs !== undefined
                        ? T('pendingDue', { when: formatTime(item.stored.dueAtMs) })
                        : T('pendingReady')}
                  </p>
                  <p class="meta">{formatTime(item.pending.createdAtMs)}</p>
                  <div class="actions">
                    <button type="button" onClick={() => resume(item)}>
                      {T('continue')}
                    </button>
                    {!item.pending.signature && confirming !== item.stored.id && (
                      <button type="button" class="secondary" onClick={() => setConfirming(item.stored.id)}>
                        {T('remove')}
                      </button>
                    )}
                  </div>
                  {confirming === item.stored.id && (
                    <div class="actions" role="group" aria-label={T('remove')}>
                      <p role="alert">{T('removeSure')}</p>
                      <button
                        type="button"
                        class="secondary"
                        onClick={async () => {
                          setConfirming(null);
                          await deleteReward(item.stored.id);
                          await reload();
                        }}
                      >
                        {T('removeYes')}
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        {T('removeNo')}
                      </button>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </section>
        )
      )}
      <p>{T('intro')}</p>
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <form noValidate onSubmit={find}>
        <Field label={T('code')} hint={T('codeHint')} value={code} onInput={setCode} error={errors.code} autoComplete="off" autoCapitalize="none" spellcheck={false} maxLength={80} />
        <Field label={T('keyId')} hint={T('keyIdHint')} value={keyId} onInput={setKeyId} error={errors.keyId} autoComplete="off" autoCapitalize="none" spellcheck={false} maxLength={160} />
        <SubmitButton busy={busy} class="block">{T('find')}</SubmitButton>
      </form>
    </div>
  );
}

function CampaignFacts(props: { campaign: CampaignJson }) {
  const c = props.campaign;
  return (
    <div class="card">
      {!c.sensitive && c.name ? (
        <p>
          {T('name')}: <strong>{c.name}</strong>
        </p>
      ) : (
        <p>{T('noName')}</p>
      )}
      <p>
        {T('youGet')}: <Money cents={int(c.rewardCents)} class="big-money" />
      </p>
      <p class="meta">{T('until', { when: formatTime(int(c.closesAtMs)) })}</p>
    </div>
  );
}

function Campaign(props: { actor: Actor; kit: RewardKit; campaign: CampaignJson; campaignKey: CampaignKey; onBack: () => void; onMade: (s: StoredReward, p: PendingReward) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const make = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const { info } = await chain();
      const pending = props.kit.requestReward(info.chainId, props.campaign.campaign, props.actor.wallet, props.campaignKey);
      // Kept on the phone, sealed, before the desk sees anything: without the serial and inverse the desk's answer is worthless.
      const stored: StoredReward = { id: randomId(), account: props.actor.account, sealed: props.kit.sealReward(pending, props.actor.wallet), createdAtMs: pending.createdAtMs };
      await saveReward(stored);
      props.onMade(stored, pending);
    } catch (x) {
      setError(messageOf(x));
      setBusy(false);
    }
  };
  return (
    <div>
      <ScreenTitle>{T('campaignTitle')}</ScreenTitle>
      <CampaignFacts campaign={props.campaign} />
      <p class="meta">
        {T('keyIdShort')}: <span class="code">{props.campaignKey.keyId}</span>
      </p>
      <p>{T('makeText')}</p>
      {error && <Notice kind="error">{error}</Notice>}
      <button type="button" class="block" aria-disabled={busy ? 'true' : undefined} onClick={make}>
        {busy ? <span role="status">{T('making')}</span> : T('make')}
      </button>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          {T('back')}
        </button>
      </div>
    </div>
  );
}

function Desk(props: {
  actor: Actor; kit: RewardKit; sealed: string; stored: StoredReward; pending: PendingReward; campaign: CampaignJson;
  onBack: () => void; onDone: (amount: number) => void; onRefused: (message: string) => void;
}) {
  const [pending, setPending] = useState(props.pending);
  const [stored, setStored] = useState(props.stored);
  const [short, setShort] = useState(false);
  const [answer, setAnswer] = useState('');
  const [scanning, setScanning] = useState(false);
  const [pin, setPin] = useState('');
  const [now, setNow] = useState(false);
  const [errors, setErrors] = useState<{ answer?: string; pin?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const running = useRef(false);
  const amount = int(props.campaign.rewardCents);
  const closesAtMs = int(props.campaign.closesAtMs);
  const blinded = blindedMessageText(pending);

  /** Keeps the finished token sealed on the phone with its random moment; nothing goes to the ledger now. */
  const keep = async (finished: PendingReward) => {
    const due = chooseDueMoment(Date.now(), closesAtMs);
    const record: StoredReward = { ...props.stored, sealed: props.kit.sealReward(finished, props.actor.wallet), dueAtMs: due.dueAtMs };
    await saveReward(record);
    setStored(record);
    setShort(due.short);
    setPending(finished);
  };

  // A token finished before the app waited by itself has no moment yet: it gets one now.
  useEffect(() => {
    if (props.pending.signature && props.stored.dueAtMs === undefined) keep(props.pending).catch((x) => setErrors({ form: messageOf(x) }));
  }, []);

  const check = async (text: string) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setErrors({});
    try {
      if (!text.trim()) throw new ApiError('answer_missing', T('answerMissing'));
      let finished: PendingReward;
      try {
        finished = props.kit.finishReward(pending, text);
      } catch (x) {
        throw x instanceof props.kit.InvalidBlindSignature ? new ApiError('reward_signature_invalid', T('answerWrong')) : x;
      }
      // The desk answers once per person: the finished token is kept before anything else can go wrong.
      await keep(finished);
    } catch (x) {
      if (x instanceof ApiError && (x.reason === 'answer_missing' || x.reason === 'reward_signature_invalid')) setErrors({ answer: x.message });
      else setErrors({ form: messageOf(x) });
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  const collectNow = async (e: Event) => {
    e.preventDefault();
    if (running.current || !pending.signature) return;
    running.current = true;
    setBusy(true);
    setErrors({});
    try {
      // The PIN opens the sealed key again, as for a payment: an unlocked phone alone cannot hand in a token early.
      const wallet = await unseal(props.sealed, pin);
      if (wallet.account !== props.actor.account) throw new WrongPin();
      const outcome = await handIn(props.actor, stored, pending, amount);
      if (outcome.kind === 'paid') props.onDone(amount);
      else if (outcome.kind === 'dropped') props.onRefused(outcome.message);
      else setErrors({ form: outcome.message });
    } catch (x) {
      if (x instanceof WrongPin) setErrors({ pin: T('wrongPin') });
      else if (x instanceof AlreadyRunning) setErrors({ form: T('busyElsewhere') });
      else setErrors({ form: messageOf(x) });
    } finally {
      setPin('');
      running.current = false;
      setBusy(false);
    }
  };

  if (pending.signature)
    return (
      <div>
        <ScreenTitle>{T('waitTitle')}</ScreenTitle>
        <Notice kind="ok">{T('ready')}</Notice>
        {stored.dueAtMs !== undefined && <p>{T('comes', { when: formatTime(stored.dueAtMs) })}</p>}
        {short && <Notice kind="warn">{T('short')}</Notice>}
        {closesAtMs > 0 && <p>{T('openBefore', { when: formatTime(closesAtMs) })}</p>}
        <CampaignFacts campaign={props.campaign} />
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        {props.campaign.sensitive ? (
          <p class="meta">{T('sensitiveNote')}</p>
        ) : now ? (
          <form noValidate onSubmit={collectNow}>
            <p>{T('nowText')}</p>
            <Field label={T('pin')} type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onInput={setPin} error={errors.pin} />
            <SubmitButton busy={busy} busyText={T('collecting')} class="block">
              {amount > 0 ? T('collect', { amount: formatCents(amount) }) : T('collectPlain')}
            </SubmitButton>
          </form>
        ) : (
          <div>
            <p class="meta">{T('nowText')}</p>
            <button type="button" class="secondary" onClick={() => setNow(true)}>
              {T('now')}
            </button>
          </div>
        )}
        <div class="actions">
          <button type="button" class="secondary" onClick={props.onBack}>
            {T('back')}
          </button>
        </div>
      </div>
    );

  return (
    <div>
      <ScreenTitle>{T('deskTitle')}</ScreenTitle>
      <p>{T('deskText')}</p>
      <div class="card center">
        <QrCode text={blinded} label={T('qr')} size={300} />
      </div>
      <h2>{T('asText')}</h2>
      <p class="code" data-testid="blinded-message">
        {blinded}
      </p>
      <CampaignFacts campaign={props.campaign} />
      {scanning ? (
        <QrScanner
          onClose={() => setScanning(false)}
          onResult={(text) => {
            setScanning(false);
            // The desk's QR code holds exactly the answer's text; anything else (another QR code) is said so at once.
            const clean = deskAnswerText(text);
            if (!clean) setErrors({ answer: T('scanWrong') });
            else {
              setAnswer(clean);
              check(clean);
            }
          }}
        />
      ) : (
        <button type="button" class="block" onClick={() => setScanning(true)}>
          {T('scan')}
        </button>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          check(answer);
        }}
      >
        <Field label={T('answer')} hint={T('answerHint')} value={answer} onInput={setAnswer} error={errors.answer} autoComplete="off" autoCapitalize="none" spellcheck={false} />
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <SubmitButton busy={busy} busyText={T('checking')} class="block">
          {T('check')}
        </SubmitButton>
      </form>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          {T('later')}
        </button>
      </div>
    </div>
  );
}
