// Jobs: publish (on the chain: budget, kind, neighbourhood, reward, places, deadline; off the chain: title and
// explanation), edit the text, stop a job; and the review queue with the photo, where nobody judges their own work.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Actor } from '../../ui/actor';
import { api, messageOf } from '../../ui/api';
import { serverNow } from '../../ui/chain';
import { Busy, Field, Money, Notice, ScreenTitle, Select, useId } from '../../ui/components';
import { lang } from '../../ui/i18n';
import { formatCents, formatTime, int, parseAmount } from '../../ui/money';
import type { JobJson, JobWorkJson } from '../../ui/types';
import { isSlug, newJobId } from '../../ui/wallet';
import { jobTitle } from '../resident/jobs';
import { T } from './texts';


export function Jobs(props: { actor: Actor }) {
  const [jobs, setJobs] = useState<JobJson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = () =>
    api.get<{ jobs?: JobJson[] }>('/v1/jobs?pageSize=500').then(
      (r) => setJobs(r.jobs ?? []),
      (e) => setError(e.message),
    );
  useEffect(() => {
    load();
  }, []);
  return (
    <div>
      <ScreenTitle>{T('jobsTitle')}</ScreenTitle>
      {message && <Notice kind="ok">{message}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      <Publish actor={props.actor} onDone={(m) => { setMessage(m); load(); }} />
      <h2>{T('openJobs')}</h2>
      {jobs === null ? <Busy /> : jobs.length === 0 ? <p>{T('noJobs')}</p> : (
        <ul class="cards">
          {jobs.map((j) => (
            <JobRow key={j.job} job={j} actor={props.actor} onChanged={(m) => { setMessage(m); load(); }} />
          ))}
        </ul>
      )}
    </div>
  );
}

function Publish(props: { actor: Actor; onDone: (message: string) => void }) {
  const [f, setF] = useState({ title: '', description: '', neighbourhood: '', category: '', budget: 'klussen-2026', reward: '', slots: '1', deadline: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  // Once a job is on the chain, a retry (the text failed to save) saves only the text: never a second job.
  const published = useRef<string | null>(null);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!f.title.trim() || f.title.trim().length > 80) found.title = T('needTitle');
    for (const k of ['neighbourhood', 'category', 'budget'] as const) if (!isSlug(f[k])) found[k] = T('badSlug');
    const reward = parseAmount(f.reward);
    if (reward === null) found.reward = T('badAmount');
    const slots = Number(f.slots);
    if (!Number.isInteger(slots) || slots < 1 || slots > 1000) found.slots = T('badSlots');
    const deadlineMs = f.deadline ? new Date(f.deadline).getTime() : NaN;
    if (!published.current && (!Number.isFinite(deadlineMs) || deadlineMs <= (await serverNow()))) found.deadline = T('badDeadline');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      if (!published.current) {
        const job = newJobId();
        await props.actor.submit({ type: 'PublishJob', job, budget: f.budget, category: f.category, neighbourhood: f.neighbourhood, reward: reward!, slots, deadlineMs });
        published.current = job;
      }
      await props.actor.put(`/v1/jobs/${published.current}/text`, { title: f.title.trim(), description: f.description.trim() });
      published.current = null;
      props.onDone(T('published', { title: f.title.trim() }));
      setF({ ...f, title: '', description: '' });
    } catch (x) {
      setErrors({ form: messageOf(x) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} noValidate aria-labelledby="publish-title">
      <h2 id="publish-title">{T('publishTitle')}</h2>
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <Field label={T('title')} hint={T('titleHint')} value={f.title} onInput={set('title')} error={errors.title} maxLength={80} />
      <TextArea label={T('description')} hint={T('descriptionHint')} value={f.description} onInput={set('description')} />
      <Field label={T('neighbourhood')} hint={T('slugHint')} value={f.neighbourhood} onInput={set('neighbourhood')} error={errors.neighbourhood} autoCapitalize="none" maxLength={32} />
      <Field label={T('category')} hint={T('slugHint')} value={f.category} onInput={set('category')} error={errors.category} autoCapitalize="none" maxLength={32} />
      <Field label={T('budget')} hint={T('slugHint')} value={f.budget} onInput={set('budget')} error={errors.budget} autoCapitalize="none" maxLength={32} />
      <Field label={T('reward')} value={f.reward} onInput={set('reward')} error={errors.reward} inputMode="decimal" maxLength={12} />
      <Field label={T('slots')} value={f.slots} onInput={set('slots')} error={errors.slots} inputMode="numeric" maxLength={4} />
      <Field label={T('deadline')} type="datetime-local" value={f.deadline} onInput={set('deadline')} error={errors.deadline} />
      {busy ? <Busy /> : <button type="submit">{T('publish')}</button>}
    </form>
  );
}

export function TextArea(props: { label: string; hint?: string; value: string; onInput: (v: string) => void }) {
  const id = useId('ta');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      <textarea id={id} value={props.value} maxLength={1000} aria-describedby={props.hint ? `${id}-hint` : undefined}
        onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)} />
    </div>
  );
}

function JobRow(props: { job: JobJson; actor: Actor; onChanged: (m: string) => void }) {
  const { job } = props;
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(job.title ?? '');
  const [description, setDescription] = useState(job.description ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId('job');
  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      props.onChanged(await work());
      setEditing(false);
    } catch (x) {
      setError(messageOf(x));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="card" aria-labelledby={id}>
      <h3 id={id}>{jobTitle(job)}</h3>
      <p>
        <span class="tag">{job.neighbourhood}</span>{" "}
        <span class="tag">{job.category}</span> <Money cents={int(job.rewardCents)} /> · {T('places', { free: job.freeSlots ?? 0, slots: job.slots ?? 0, paid: job.paid ?? 0 })} ·{' '}
        {formatTime(int(job.deadlineMs))}
      </p>
      {error && <Notice kind="error">{error}</Notice>}
      {editing ? (
        <form noValidate onSubmit={(e) => { e.preventDefault(); act(async () => { await props.actor.put(`/v1/jobs/${job.job}/text`, { title: title.trim(), description: description.trim() }); return T('textSaved'); }); }}>
          <Field label={T('title')} value={title} onInput={setTitle} maxLength={80} />
          <TextArea label={T('description')} value={description} onInput={setDescription} />
          {busy ? <Busy /> : <div class="actions"><button type="submit">{T('saveText')}</button><button type="button" class="secondary" onClick={() => setEditing(false)}>{T('back')}</button></div>}
        </form>
      ) : busy ? <Busy /> : (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => setEditing(true)} aria-describedby={id}>{T('editText')}</button>
          <button type="button" class="danger" onClick={() => act(async () => { await props.actor.submit({ type: 'CancelJob', job: job.job }); return T('cancelled'); })} aria-describedby={id}>
            {T('cancelJob')}
          </button>
        </div>
      )}
    </li>
  );
}

export function Review(props: { actor: Actor }) {
  const [work, setWork] = useState<JobWorkJson[] | null>(null);
  const [titles, setTitles] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = async () => {
    try {
      const [r, board] = await Promise.all([
        props.actor.get<{ work?: JobWorkJson[] }>('/v1/completions?status=submitted'),
        api.get<{ jobs?: JobJson[] }>('/v1/jobs?pageSize=500&includeClosed=true'),
      ]);
      setTitles(Object.fromEntries((board.jobs ?? []).map((j) => [j.job, jobTitle(j)])));
      setWork(r.work ?? []);
    } catch (e) {
      setError(messageOf(e));
      setWork([]);
    }
  };
  useEffect(() => {
    load();
  }, []);
  return (
    <div>
      <ScreenTitle>{T('reviewTitle')}</ScreenTitle>
      {message && <Notice kind="ok">{message}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      {work === null ? <Busy /> : work.length === 0 ? <p>{T('noReview')}</p> : (
        <ul class="cards">
          {work.map((w) => (
            <ReviewCard key={`${w.job}-${w.worker}`} work={w} title={w.title || titles[w.job] || jobTitle(w)} actor={props.actor} onDone={(m) => { setMessage(m); load(); }} />
          ))}
        </ul>
      )}
    </div>
  );
}

function ReviewCard(props: { work: JobWorkJson; title: string; actor: Actor; onDone: (m: string) => void }) {
  const { work } = props;
  const [photo, setPhoto] = useState<string | null | undefined>(undefined);
  const [reason, setReason] = useState('1');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const own = work.worker === props.actor.account;
  const id = useId('review');
  useEffect(() => {
    if (!work.evidenceHash) return setPhoto(null);
    props.actor
      .get<{ contentType?: string; photo?: string }>(`/v1/people/${work.worker}/photos/${work.evidenceHash}`)
      .then((p) => setPhoto(p.photo ? `data:${p.contentType ?? 'image/jpeg'};base64,${p.photo}` : null), () => setPhoto(null));
  }, [work.evidenceHash]);
  const decide = async (approve: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (approve) await props.actor.submit({ type: 'ApproveCompletion', job: work.job, worker: work.worker });
      else await props.actor.submit({ type: 'RejectCompletion', job: work.job, worker: work.worker, reason: Number(reason) });
      props.onDone(approve ? T('approved') : T('rejected'));
    } catch (x) {
      setError(messageOf(x));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="card" aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      <p class="meta">
        {T('worker')}: <span class="code">{work.worker.slice(0, 14)}…</span> · {T('submitted')}: {formatTime(int(work.submittedAtMs))} · <span lang={lang()}>{formatCents(int(work.rewardCents))}</span>
      </p>
      {photo === undefined ? <Busy /> : photo === null ? <p>{T('photoMissing')}</p> : <img class="photo" src={photo} alt={T('photoOf', { title: props.title })} />}
      {error && <Notice kind="error">{error}</Notice>}
      {own ? (
        <Notice kind="warn">{T('ownWork')}</Notice>
      ) : busy ? <Busy /> : (
        <div>
          <div class="actions">
            <button type="button" onClick={() => decide(true)} aria-describedby={id}>{T('approve', { amount: formatCents(int(work.rewardCents)) })}</button>
          </div>
          <Select label={T('reason')} value={reason} onChange={setReason} options={[1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: T(`r${n}` as 'r1') }))} />
          <button type="button" class="danger" onClick={() => decide(false)} aria-describedby={id}>{T('reject')}</button>
        </div>
      )}
    </li>
  );
}
