// The municipality's back office: jobs (publish, edit text, stop), reviews with photo (never one's own work), budget
// with a second officer's signature, shops, payouts, residents and munt cards, reward campaigns (fund, close), and what
// the city owes.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../../ui/style.css';
import { Actor } from '../../ui/actor';
import { Busy, Notice, Shell, go, useRoute } from '../../ui/components';
import { useLang } from '../../ui/i18n';
import type { StoredKey } from '../../ui/keystore';
import type { AccountJson } from '../../ui/types';
import { Unlock } from '../../ui/unlock';
import { Budget, Overview, Redemptions, Shops } from './money';
import { Campaigns } from './campaigns';
import { Residents } from './residents';
import { Jobs, Review } from './jobs';
import { T } from './texts';

function App() {
  useLang();
  const route = useRoute();
  const [session, setSession] = useState<{ actor: Actor; key: StoredKey; account: AccountJson | null } | null>(null);
  useEffect(() => {
    if (session && !route) go('jobs');
  }, [session]);
  if (!session)
    return (
      <Shell app={T('app')}>
        <Unlock
          app="office"
          intro={T('intro')}
          onOpen={async (wallet, key) => {
            const actor = new Actor(wallet);
            const account = await actor.get<AccountJson>(`/v1/accounts/${actor.account}`).catch(() => null);
            setSession({ actor, key, account });
          }}
        />
      </Shell>
    );
  const tab = route.split('/')[0] || 'jobs';
  const tabs: [string, string][] = [
    ['jobs', T('tabJobs')],
    ['review', T('tabReview')],
    ['budget', T('tabBudget')],
    ['shops', T('tabShops')],
    ['payouts', T('tabRedemptions')],
    ['residents', T('tabResidents')],
    ['campaigns', T('tabCampaigns')],
    ['overview', T('tabOverview')],
  ];
  const officer = session.account?.roles?.includes('officer') ?? false;
  const { actor, key } = session;
  return (
    <Shell app={T('app')} wide nav={tabs.map(([id, label]) => ({ href: `#/${id}`, label, current: tab === id }))}>
      <p class="meta">
        {T('signedInAs', { name: key.label })}{' '}
        <button type="button" class="secondary" onClick={() => setSession(null)}>
          {T('lock')}
        </button>
      </p>
      {!officer ? (
        <Notice kind="error">{T('notOfficer')}</Notice>
      ) : tab === 'review' ? (
        <Review actor={actor} />
      ) : tab === 'budget' ? (
        <Budget actor={actor} me={key} />
      ) : tab === 'shops' ? (
        <Shops actor={actor} />
      ) : tab === 'payouts' ? (
        <Redemptions actor={actor} />
      ) : tab === 'residents' ? (
        <Residents actor={actor} me={key} />
      ) : tab === 'campaigns' ? (
        <Campaigns actor={actor} />
      ) : tab === 'overview' ? (
        <Overview actor={actor} />
      ) : tab === 'jobs' ? (
        <Jobs actor={actor} />
      ) : (
        <Busy />
      )}
    </Shell>
  );
}

render(<App />, document.getElementById('root')!);
