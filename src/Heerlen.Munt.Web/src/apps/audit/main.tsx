// The auditor's dashboard: the chain's height and latest checkpoint, checked in this browser (the operator's signature,
// and that the chain still extends the checkpoint seen last time); charts per neighbourhood and week with small cells
// withheld; the table as CSV.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../../ui/style.css';
import { Actor } from '../../ui/actor';
import { type CheckpointJson, refreshChain } from '../../ui/chain';
import { Busy, Notice, ScreenTitle, Select, Shell } from '../../ui/components';
import { dict, useLang } from '../../ui/i18n';
import { formatCents, formatTime, int } from '../../ui/money';
import { Unlock } from '../../ui/unlock';
import { checkCheckpoint, checkConsistency } from '../../ui/wallet';
import { messageOf } from '../../ui/api';

const T = dict(
  {
    app: 'Heerlen Munt — controle',
    intro: 'Typ de 12 woorden van uw account als controleur. Ze blijven op dit apparaat, versleuteld met uw pincode.',
    chainTitle: 'De keten',
    chainId: 'Keten',
    height: 'Aantal regels',
    checkpoint: 'Laatste controlepunt',
    checkpointText: 'nummer {n}, {size} regels, getekend {when}',
    operatorKey: 'Sleutel van de beheerder',
    sigOk: 'De handtekening van het controlepunt klopt (gecontroleerd in deze browser).',
    sigBad: 'De handtekening van het controlepunt klopt NIET.',
    keyChanged: 'De server gebruikt een andere sleutel dan deze browser eerder zag.',
    consOk: 'De keten bouwt voort op het controlepunt dat u eerder zag ({old} regels): er is niets veranderd of weggehaald.',
    consBad: 'De keten bouwt NIET voort op het controlepunt dat u eerder zag ({old} regels). Meld dit meteen.',
    consFirst: 'Dit is het eerste controlepunt dat deze browser ziet. Volgende keer wordt gecontroleerd dat de keten erop voortbouwt.',
    noCheckpoint: 'Er is nog geen controlepunt.',
    broken: 'De server meldt dat de opgeslagen keten kapot is: {why}',
    full: 'Voor een volledige controle van elke regel: gebruik munt-verify (zie docs/audit.md).',
    refresh: 'Ververs',
    figuresTitle: 'Cijfers per wijk en week',
    metric: 'Wat',
    area: 'Wijk',
    allAreas: 'Alle wijken',
    weeks: 'Periode',
    last8: 'Laatste 8 weken',
    last26: 'Laatste 26 weken',
    last52: 'Laatste 52 weken',
    m_paid: 'HM verdiend met klussen',
    m_spent: 'HM besteed in winkels',
    m_redeemed: 'HM ingewisseld door winkels',
    m_outstanding: 'HM in omloop (hele stad)',
    m_earners: 'Bewoners die verdienden',
    m_completed: 'Klussen klaar',
    withheld: 'niet getoond',
    withheldNote: 'Cijfers over minder dan {k} personen worden niet getoond, en ook cellen waarmee ze te berekenen zijn.',
    asOf: 'Tot en met regel {height} van de keten.',
    csv: 'Download als CSV',
    table: 'Toon de cijfers als tabel',
    week: 'Week',
    noFigures: 'Nog geen cijfers voor deze periode.',
    chartOf: '{metric} in {area}, per week',
  },
  {
    app: 'Heerlen Munt — audit',
    intro: 'Type the 12 words of your auditor account. They stay on this device, encrypted with your PIN.',
    chainTitle: 'The chain',
    chainId: 'Chain',
    height: 'Number of entries',
    checkpoint: 'Latest checkpoint',
    checkpointText: 'number {n}, {size} entries, signed {when}',
    operatorKey: 'Operator key',
    sigOk: 'The checkpoint’s signature is valid (checked in this browser).',
    sigBad: 'The checkpoint’s signature is NOT valid.',
    keyChanged: 'The server uses a different key than this browser saw before.',
    consOk: 'The chain extends the checkpoint you saw before ({old} entries): nothing was changed or removed.',
    consBad: 'The chain does NOT extend the checkpoint you saw before ({old} entries). Report this at once.',
    consFirst: 'This is the first checkpoint this browser sees. Next time it checks that the chain extends it.',
    noCheckpoint: 'There is no checkpoint yet.',
    broken: 'The server reports that the stored chain is broken: {why}',
    full: 'For a full check of every entry: use munt-verify (see docs/audit.md).',
    refresh: 'Refresh',
    figuresTitle: 'Figures per neighbourhood and week',
    metric: 'What',
    area: 'Neighbourhood',
    allAreas: 'All neighbourhoods',
    weeks: 'Period',
    last8: 'Last 8 weeks',
    last26: 'Last 26 weeks',
    last52: 'Last 52 weeks',
    m_paid: 'HM earned with jobs',
    m_spent: 'HM spent at shops',
    m_redeemed: 'HM redeemed by shops',
    m_outstanding: 'HM in circulation (whole city)',
    m_earners: 'Residents who earned',
    m_completed: 'Jobs completed',
    withheld: 'withheld',
    withheldNote: 'Figures about fewer than {k} persons are withheld, and so are cells they could be worked out from.',
    asOf: 'Up to and including entry {height} of the chain.',
    csv: 'Download as CSV',
    table: 'Show the figures as a table',
    week: 'Week',
    noFigures: 'No figures for this period yet.',
    chartOf: '{metric} in {area}, per week',
  },
);

type Metric = 'paid' | 'spent' | 'redeemed' | 'outstanding' | 'earners' | 'completed';
const FIELD: Record<Metric, { json: string; csv: string; money: boolean }> = {
  paid: { json: 'paidCents', csv: 'paid_cents', money: true },
  spent: { json: 'spentCents', csv: 'spent_cents', money: true },
  redeemed: { json: 'redeemedCents', csv: 'redeemed_cents', money: true },
  outstanding: { json: 'outstandingCents', csv: 'outstanding_cents', money: true },
  earners: { json: 'distinctEarners', csv: 'distinct_earners', money: false },
  completed: { json: 'jobsCompleted', csv: 'jobs_completed', money: false },
};

interface Row {
  area: string;
  period: string;
  withheld?: string[];
  [k: string]: unknown;
}

function App() {
  useLang();
  const [actor, setActor] = useState<Actor | null>(null);
  return (
    <Shell app={T('app')} wide>
      {actor ? (
        <>
          <ScreenTitle>{T('app')}</ScreenTitle>
          <ChainStatus />
          <Figures actor={actor} />
        </>
      ) : (
        <Unlock app="audit" intro={T('intro')} onOpen={(w) => setActor(new Actor(w))} />
      )}
    </Shell>
  );
}

type Check = { kind: 'ok' | 'error' | 'warn' | 'info'; text: string };

function ChainStatus() {
  const [state, setState] = useState<{ chainId: string; height: number; cp?: CheckpointJson; checks: Check[]; operatorKey: string; broken?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    setBusy(true);
    try {
      const c = await refreshChain();
      const cp = c.info.latestCheckpoint;
      const checks: Check[] = [];
      if (c.pinnedOperatorKey !== c.info.operatorKey) checks.push({ kind: 'error', text: T('keyChanged') });
      if (cp && int(cp.treeSize) > 0) {
        const signed = checkCheckpoint(cp, c.pinnedOperatorKey);
        checks.push(signed ? { kind: 'ok', text: T('sigOk') } : { kind: 'error', text: T('sigBad') });
        const slot = `hm.audit.seen.${c.info.chainId}`;
        const seen = JSON.parse(localStorage.getItem(slot) ?? 'null') as { treeSize: number; root: string } | null;
        const size = int(cp.treeSize);
        if (!seen) checks.push({ kind: 'info', text: T('consFirst') });
        else if (seen.treeSize <= size) {
          const ok = seen.treeSize === size
            ? seen.root === cp.rootHash
            : await checkConsistency(seen.treeSize, seen.root, size, c.pinnedOperatorKey);
          checks.push(ok ? { kind: 'ok', text: T('consOk', { old: seen.treeSize }) } : { kind: 'error', text: T('consBad', { old: seen.treeSize }) });
        } else checks.push({ kind: 'error', text: T('consBad', { old: seen.treeSize }) });
        // Remember this checkpoint only when it checked out: after an alarm the next look must raise it again.
        if (signed && !checks.some((c) => c.kind === 'error')) localStorage.setItem(slot, JSON.stringify({ treeSize: size, root: cp.rootHash }));
      }
      setState({ chainId: c.info.chainId, height: int(c.info.height), cp, checks, operatorKey: c.pinnedOperatorKey, broken: c.info.broken });
    } catch (e) {
      setState({ chainId: '?', height: 0, checks: [{ kind: 'error', text: messageOf(e) }], operatorKey: '' });
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    load();
  }, []);
  if (!state) return <Busy />;
  return (
    <section class="card" aria-labelledby="chain-title">
      <h2 id="chain-title">{T('chainTitle')}</h2>
      {state.broken && <Notice kind="error">{T('broken', { why: state.broken })}</Notice>}
      <dl>
        <dt>{T('chainId')}</dt>
        <dd class="code">{state.chainId}</dd>
        <dt>{T('height')}</dt>
        <dd>{state.height}</dd>
        <dt>{T('checkpoint')}</dt>
        <dd>{state.cp ? T('checkpointText', { n: int(state.cp.number), size: int(state.cp.treeSize), when: formatTime(int(state.cp.sealedAtMs)) }) : T('noCheckpoint')}</dd>
        <dt>{T('operatorKey')}</dt>
        <dd class="code">{state.operatorKey}</dd>
      </dl>
      {state.checks.map((c, i) => (
        <Notice key={i} kind={c.kind}>
          {c.kind === 'ok' ? '✓ ' : c.kind === 'error' ? '✗ ' : ''}
          {c.text}
        </Notice>
      ))}
      <p class="meta">{T('full')}</p>
      {busy ? <Busy /> : <button type="button" class="secondary" onClick={load}>{T('refresh')}</button>}
    </section>
  );
}

function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

function Figures(props: { actor: Actor }) {
  const [metric, setMetric] = useState<Metric>('spent');
  const [area, setArea] = useState('');
  const [weeks, setWeeks] = useState('8');
  const [data, setData] = useState<{ rows: Row[]; asOfHeight: number; k: number; csv: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const from = isoWeek(new Date(Date.now() - (Number(weeks) - 1) * 7 * 86_400_000));
    props.actor
      .get<{ rows?: Row[]; asOfHeight?: string; suppressionThreshold?: number; csv?: string }>(`/v1/statistics/figures?periodKind=PERIOD_KIND_WEEK&fromPeriod=${from}`)
      .then(
        (r) => setData({ rows: r.rows ?? [], asOfHeight: int(r.asOfHeight), k: r.suppressionThreshold ?? 0, csv: r.csv ?? '' }),
        (e) => setError(e.message),
      );
  }, [weeks]);
  const field = FIELD[metric];
  const areas = data ? [...new Set(data.rows.map((r) => r.area))].sort() : [];
  const shownAreas = area ? [area] : areas;
  const periods = data ? [...new Set(data.rows.map((r) => r.period))].sort() : [];
  const value = (r: Row | undefined): number | null => {
    if (!r) return 0;
    if (r.withheld?.includes(field.csv)) return null;
    const v = r[field.json];
    return v === undefined ? 0 : int(v);
  };
  const show = (v: number | null) => (v === null ? T('withheld') : field.money ? formatCents(v) : String(v));
  const download = () => {
    if (!data) return;
    const url = URL.createObjectURL(new Blob([data.csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `heerlen-munt-weken-${periods[0] ?? ''}-${periods[periods.length - 1] ?? ''}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <section aria-labelledby="figures-title">
      <h2 id="figures-title">{T('figuresTitle')}</h2>
      {error && <Notice kind="error">{error}</Notice>}
      <div class="card">
        <Select label={T('metric')} value={metric} onChange={(v) => setMetric(v as Metric)} options={(Object.keys(FIELD) as Metric[]).map((m) => ({ value: m, label: T(`m_${m}` as 'm_paid') }))} />
        <Select label={T('area')} value={area} onChange={setArea} options={[{ value: '', label: T('allAreas') }, ...areas.map((a) => ({ value: a, label: a }))]} />
        <Select label={T('weeks')} value={weeks} onChange={setWeeks} options={[{ value: '8', label: T('last8') }, { value: '26', label: T('last26') }, { value: '52', label: T('last52') }]} />
      </div>
      {!data ? !error && <Busy /> : data.rows.length === 0 ? <p>{T('noFigures')}</p> : (
        <>
          <p class="meta">{T('withheldNote', { k: data.k })} {T('asOf', { height: data.asOfHeight })}</p>
          {shownAreas.map((a) => (
            <Chart
              key={a}
              title={T('chartOf', { metric: T(`m_${metric}` as 'm_paid'), area: a })}
              periods={periods}
              values={periods.map((p) => value(data.rows.find((r) => r.area === a && r.period === p)))}
              show={show}
            />
          ))}
          <details class="card">
            <summary>{T('table')}</summary>
            <div class="table-wrap">
              <table>
                <caption>{T(`m_${metric}` as 'm_paid')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{T('week')}</th>
                    {shownAreas.map((a) => <th scope="col" class="num" key={a}>{a}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {periods.map((p) => (
                    <tr key={p}>
                      <th scope="row">{p}</th>
                      {shownAreas.map((a) => <td class="num" key={a}>{show(value(data.rows.find((r) => r.area === a && r.period === p)))}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
          <button type="button" class="secondary" onClick={download}>{T('csv')}</button>
        </>
      )}
    </section>
  );
}

/** A bar chart as SVG; each bar has a text value; withheld cells are hatched and say so. */
function Chart(props: { title: string; periods: string[]; values: (number | null)[]; show: (v: number | null) => string }) {
  const w = 720;
  const h = 220;
  const left = 8;
  const bottom = 40;
  const max = Math.max(1, ...props.values.map((v) => v ?? 0));
  const step = (w - left * 2) / Math.max(1, props.periods.length);
  const id = `chart-${props.title.replace(/[^a-z0-9]/gi, '-')}`;
  return (
    <figure class="card" aria-labelledby={id}>
      <figcaption id={id}><strong>{props.title}</strong></figcaption>
      <svg class="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${props.title}: ${props.periods.map((p, i) => `${p} ${props.show(props.values[i])}`).join('; ')}`}>
        <defs>
          <pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#fff" />
            <line x1="0" y1="0" x2="0" y2="8" stroke="#4a4a4a" stroke-width="3" />
          </pattern>
        </defs>
        <line x1={left} y1={h - bottom} x2={w - left} y2={h - bottom} stroke="#4a4a4a" />
        {props.periods.map((p, i) => {
          const v = props.values[i];
          const bh = v === null ? h - bottom - 30 : Math.round(((v ?? 0) / max) * (h - bottom - 30));
          const x = left + i * step + step * 0.15;
          return (
            <g key={p}>
              <rect x={x} y={h - bottom - bh} width={step * 0.7} height={bh} fill={v === null ? 'url(#hatch)' : '#0b5394'} />
              <text x={x + step * 0.35} y={h - bottom - bh - 6} text-anchor="middle" font-size="12" fill="#1a1a1a">{props.show(v)}</text>
              <text x={x + step * 0.35} y={h - bottom + 16} text-anchor="middle" font-size="12" fill="#1a1a1a">{p.replace(/^\d{4}-/, '')}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}


render(<App />, document.getElementById('root')!);
