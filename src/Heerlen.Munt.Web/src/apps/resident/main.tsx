// The resident's app (mobile first, installable): onboarding, the job board, my jobs, paying, balance and history.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import '../../ui/style.css';
import { Actor, Rejected } from '../../ui/actor';
import { ApiError, messageOf } from '../../ui/api';
import { Busy, Field, go, Notice, QrCode, ScreenTitle, Shell, SubmitButton, useRoute } from '../../ui/components';
import { useLang } from '../../ui/i18n';
import { type StoredKey, deleteKey, listKeys, listRewards } from '../../ui/keystore';
import { formatCents } from '../../ui/money';
import { dueNow } from '../../core/reward-due';
import type { Outcome } from './hand-in';
import type { AccountJson } from '../../ui/types';
import { type RewardKit, type Wallet, WrongPin, loadRewardKit, unseal } from '../../ui/wallet';
import { Jobs, MyJobs } from './jobs';
import { MoneyScreen } from './money';
import { Onboarding } from './onboarding';
import { Pay } from './pay';
import { T } from './texts';

type State =
  | { kind: 'loading' }
  | { kind: 'onboarding' }
  | { kind: 'locked'; key: StoredKey }
  | { kind: 'ready'; actor: Actor; key: StoredKey | null; account: AccountJson | null };

function App() {
  useLang();
  const route = useRoute();
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    listKeys('resident').then(
      (keys) => setState(keys.length > 0 ? { kind: 'locked', key: keys[0] } : { kind: 'onboarding' }),
      () => setState({ kind: 'onboarding' }),
    );
    if ('serviceWorker' in navigator && location.protocol !== 'file:') navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => {});
  }, []);

  const enter = async (wallet: Wallet, key: StoredKey | null) => {
    const actor = new Actor(wallet);
    setState({ kind: 'ready', actor, key, account: await loadAccount(actor) });
    if (!route) go('jobs');
  };

  if (state.kind === 'loading')
    return (
      <Shell app={T('app')}>
        <Busy />
      </Shell>
    );

  if (state.kind === 'onboarding')
    return (
      <Shell app={T('app')}>
        <Onboarding
          onDone={async (wallet, restored) => {
            const actor = new Actor(wallet);
            // A new key opens its account; restored words may belong to an account that is open already.
            try {
              await actor.submit({ type: 'OpenAccount' });
            } catch (e) {
              // Restored words, or a first answer that was lost: the account is this key's own either way.
              if (!(e instanceof Rejected && e.code === 'account_exists')) throw e;
            }
            const account = await loadAccount(actor);
            const keys = await listKeys('resident');
            setState({ kind: 'ready', actor, key: keys[0] ?? null, account });
            go(restored ? 'money' : 'jobs');
          }}
        />
      </Shell>
    );

  if (state.kind === 'locked')
    return (
      <Shell app={T('app')}>
        <UnlockResident stored={state.key} onOpen={(w) => enter(w, state.key)} onForgot={async () => {
          await deleteKey(state.key.id);
          setState({ kind: 'onboarding' });
        }} />
      </Shell>
    );

  const { actor, account } = state;
  const isResident = account?.roles?.includes('resident') ?? false;
  const tab = route.split('/')[0] || 'jobs';
  const nav = isResident
    ? [
        { href: '#/jobs', label: T('tabJobs'), current: tab === 'jobs' },
        { href: '#/mine', label: T('tabMine'), current: tab === 'mine' },
        { href: '#/pay', label: T('tabPay'), current: tab === 'pay' },
        { href: '#/money', label: T('tabMoney'), current: tab === 'money' },
        { href: '#/reward', label: T('tabReward'), current: tab === 'reward' },
        { href: '#/me', label: T('tabMe'), current: tab === 'me' },
      ]
    : [];
  const refresh = async () => setState({ ...state, account: await loadAccount(actor) });

  return (
    <Shell app={T('app')} nav={nav}>
      {isResident && <AutoHandIn key={actor.account} actor={actor} />}
      {!isResident ? (
        <Waiting actor={actor} onCheck={refresh} />
      ) : tab === 'mine' ? (
        <MyJobs actor={actor} />
      ) : tab === 'pay' ? (
        <Pay actor={actor} sealed={state.key?.sealed ?? ''} />
      ) : tab === 'money' ? (
        <MoneyScreen actor={actor} />
      ) : tab === 'reward' ? (
        <LazyReward actor={actor} sealed={state.key?.sealed ?? ''} />
      ) : tab === 'me' ? (
        <Me actor={actor} stored={state.key} onForget={() => setState({ kind: 'onboarding' })} />
      ) : (
        <Jobs actor={actor} />
      )}
    </Shell>
  );
}

type RewardProps = { actor: Actor; sealed: string };
type RewardScreen = (p: RewardProps & { kit: RewardKit }) => preact.JSX.Element;

/** The reward screen, its texts and the RSA code are loaded only when its tab is opened: most visits never need them. */
function LazyReward(props: RewardProps) {
  const [loaded, setLoaded] = useState<{ Screen: RewardScreen; kit: RewardKit } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    Promise.all([import('./reward'), loadRewardKit()]).then(([m, kit]) => setLoaded({ Screen: m.Reward, kit }), () => setFailed(true));
  }, []);
  if (failed) return <Notice kind="error">{T('loadFailed')}</Notice>;
  return loaded ? <loaded.Screen {...props} kit={loaded.kit} /> : <Busy />;
}

/**
 * Hands in reward tokens whose random moment has come (src/core/reward-due.ts), with the wallet the PIN just unlocked:
 * right after unlocking and then every minute while the app is open. Shows what came in. The RSA code and the screen's
 * module load only when a token is due.
 */
function AutoHandIn(props: { actor: Actor }) {
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  // Refused for now (the money ran out) in this session: tried again at the next unlock, not every minute.
  const skip = useRef(new Set<string>());
  const checking = useRef(false);
  useEffect(() => {
    const check = async () => {
      if (checking.current) return;
      checking.current = true;
      try {
        const due = dueNow(await listRewards(props.actor.account), Date.now()).filter((s) => !skip.current.has(s.id));
        if (due.length === 0) return;
        const [m, kit] = await Promise.all([import('./hand-in'), loadRewardKit()]);
        const done = await m.handInDue(props.actor, kit, skip.current);
        if (done.length > 0) {
          setOutcomes((o) => [...o, ...done]);
          window.dispatchEvent(new Event(m.REWARDS_CHANGED));
        }
      } catch {
        // No network or no storage now: the next check tries again.
      } finally {
        checking.current = false;
      }
    };
    check();
    const timer = setInterval(check, 60_000);
    return () => clearInterval(timer);
  }, []);
  if (outcomes.length === 0) return null;
  return (
    <div class="arrivals">
      {outcomes.map((o, i) =>
        o.kind === 'paid' ? (
          <Notice key={i} kind="ok">
            {o.amount > 0 ? T('rewardArrived', { amount: formatCents(o.amount) }) : T('rewardArrivedPlain')}
          </Notice>
        ) : (
          <Notice key={i} kind={o.kind === 'kept' ? 'warn' : 'error'}>
            {T('rewardNotIn', { message: o.message })}
          </Notice>
        ),
      )}
      <button type="button" class="secondary" onClick={() => setOutcomes([])}>
        {T('rewardSeen')}
      </button>
    </div>
  );
}

async function loadAccount(actor: Actor): Promise<AccountJson | null> {
  try {
    return await actor.get<AccountJson>(`/v1/accounts/${actor.account}`);
  } catch (e) {
    if (e instanceof ApiError && (e.reason === 'account_not_found' || e.reason === 'session_invalid')) return null;
    throw e;
  }
}

function UnlockResident(props: { stored: StoredKey; onOpen: (w: Wallet) => Promise<void>; onForgot: () => void }) {
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await props.onOpen(await unseal(props.stored.sealed, pin));
        } catch (x) {
          setError(x instanceof WrongPin ? T('wrongPin') : messageOf(x));
          setPin('');
          setBusy(false);
        }
      }}
    >
      <ScreenTitle>{T('unlockTitle')}</ScreenTitle>
      <Field label={T('pin')} type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onInput={setPin} error={error} />
      <SubmitButton busy={busy} class="block">{T('open')}</SubmitButton>
      <p class="meta">
        <button type="button" class="secondary" onClick={props.onForgot}>
          {T('lost')}
        </button>
      </p>
    </form>
  );
}

function Waiting(props: { actor: Actor; onCheck: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const timer = setInterval(() => props.onCheck().catch(() => {}), 10_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div>
      <ScreenTitle>{T('waitTitle')}</ScreenTitle>
      <p>{T('waitText')}</p>
      <div class="card center">
        <QrCode text={props.actor.account} label={T('yourCode')} />
        <p class="code">{props.actor.account}</p>
      </div>
      {busy ? (
        <Busy />
      ) : (
        <button
          type="button"
          class="block"
          onClick={async () => {
            setBusy(true);
            await props.onCheck().finally(() => setBusy(false));
          }}
        >
          {T('checkAgain')}
        </button>
      )}
    </div>
  );
}

function Me(props: { actor: Actor; stored: StoredKey | null; onForget: () => void }) {
  const [asking, setAsking] = useState(false);
  return (
    <div>
      <ScreenTitle>{T('meTitle')}</ScreenTitle>
      <div class="card center">
        <h2>{T('account')}</h2>
        <QrCode text={props.actor.account} label={T('account')} size={200} />
        <p class="code">{props.actor.account}</p>
      </div>
      <Notice kind="info">{T('install')}</Notice>
      {asking ? (
        <Notice kind="warn">
          <p>{T('forgetWarn')}</p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              onClick={async () => {
                if (props.stored) await deleteKey(props.stored.id);
                props.onForget();
              }}
            >
              {T('forgetYes')}
            </button>
            <button type="button" class="secondary" onClick={() => setAsking(false)}>
              {T('back')}
            </button>
          </div>
        </Notice>
      ) : (
        <button type="button" class="secondary" onClick={() => setAsking(true)}>
          {T('forget')}
        </button>
      )}
    </div>
  );
}

render(<App />, document.getElementById('root')!);
