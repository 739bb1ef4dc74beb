// The job board (filter by neighbourhood and kind; reward, places left, deadline; enrol) and my jobs (send a photo of
// the finished work; see the decision, with the reason in words when it was rejected).
import { useEffect, useState } from 'preact/hooks';
import type { Actor } from '../../ui/actor';
import { api, messageOf } from '../../ui/api';
import { Busy, Money, Notice, ScreenTitle, Select, go, useId } from '../../ui/components';
import { formatCents, formatTime, int } from '../../ui/money';
import type { JobJson, JobWorkJson } from '../../ui/types';
import { T } from './texts';

export function jobTitle(job: { title?: string; category?: string; neighbourhood?: string }): string {
  return job.title || `${job.category ?? ''} (${job.neighbourhood ?? ''})`;
}

/** The job board; `embedded` (the back office helping a card holder) gives it a second-level heading and no focus move. */
export function Jobs(props: { actor: Actor; embedded?: boolean }) {
  const [all, setAll] = useState<JobJson[] | null>(null);
  const [mine, setMine] = useState<Set<string>>(new Set());
  const [area, setArea] = useState(() => localStorage.getItem('hm.area') ?? '');
  const [category, setCategory] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busyJob, setBusyJob] = useState<string | null>(null);

  const load = async () => {
    try {
      const [board, work] = await Promise.all([
        api.get<{ jobs?: JobJson[] }>('/v1/jobs?pageSize=200'),
        props.actor.get<{ work?: JobWorkJson[] }>(`/v1/accounts/${props.actor.account}/jobs`),
      ]);
      setAll(board.jobs ?? []);
      setMine(new Set((work.work ?? []).map((w) => w.job)));
    } catch (e) {
      setError(messageOf(e));
      setAll([]);
    }
  };
  useEffect(() => {
    load();
  }, []);

  if (all === null) return <Busy />;
  const areas = [...new Set(all.map((j) => j.neighbourhood ?? ''))].filter(Boolean).sort();
  const categories = [...new Set(all.map((j) => j.category ?? ''))].filter(Boolean).sort();
  const shown = all.filter((j) => (!area || j.neighbourhood === area) && (!category || j.category === category));

  const enrol = async (job: JobJson) => {
    setBusyJob(job.job);
    setError(null);
    setMessage(null);
    try {
      await props.actor.submit({ type: 'Enrol', job: job.job });
      setMessage(T('joined', { title: jobTitle(job) }));
      await load();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusyJob(null);
    }
  };

  return (
    <div>
      {props.embedded ? <h3>{T('jobsTitle')}</h3> : <ScreenTitle>{T('jobsTitle')}</ScreenTitle>}
      <div class="card">
        <Select
          label={T('area')}
          value={area}
          onChange={(v) => {
            setArea(v);
            localStorage.setItem('hm.area', v);
          }}
          options={[{ value: '', label: T('allAreas') }, ...areas.map((a) => ({ value: a, label: a }))]}
        />
        <Select
          label={T('category')}
          value={category}
          onChange={setCategory}
          options={[{ value: '', label: T('allCategories') }, ...categories.map((c) => ({ value: c, label: c }))]}
        />
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      {message && (
        <Notice kind="ok">
          {message} {!props.embedded && <a href="#/mine">{T('tabMine')}</a>}
        </Notice>
      )}
      {shown.length === 0 ? (
        <p>{T('noJobs')}</p>
      ) : (
        <ul class="cards">
          {shown.map((job) => (
            <JobCard key={job.job} job={job} enrolled={mine.has(job.job)} busy={busyJob === job.job} onEnrol={() => enrol(job)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function JobCard(props: { job: JobJson; enrolled: boolean; busy: boolean; onEnrol: () => void }) {
  const { job } = props;
  const free = job.freeSlots ?? 0;
  const id = useId('job');
  return (
    <li class="card" aria-labelledby={id}>
      <h2 id={id}>{jobTitle(job)}</h2>
      {job.description && <p>{job.description}</p>}
      <p>
        <span class="tag">{job.neighbourhood}</span>{" "}
        <span class="tag">{job.category}</span>
      </p>
      <p>
        {T('reward')}: <Money cents={int(job.rewardCents)} class="money big" />
      </p>
      <p class="meta">
        {free === 1 ? T('slotLeft') : T('slotsLeft', { n: free })} · {T('until', { when: formatTime(int(job.deadlineMs)) })}
      </p>
      {props.enrolled ? (
        <p class="status-ok">✓ {T('alreadyIn')}</p>
      ) : props.busy ? (
        <Busy />
      ) : (
        <button type="button" onClick={props.onEnrol} aria-describedby={id}>
          {T('join')}
        </button>
      )}
    </li>
  );
}

export function MyJobs(props: { actor: Actor; embedded?: boolean }) {
  const [work, setWork] = useState<JobWorkJson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    try {
      const r = await props.actor.get<{ work?: JobWorkJson[] }>(`/v1/accounts/${props.actor.account}/jobs`);
      setWork(r.work ?? []);
    } catch (e) {
      setError(messageOf(e));
      setWork([]);
    }
  };
  useEffect(() => {
    load();
    // A decision by the municipality shows up by itself.
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, []);
  if (work === null) return <Busy />;
  return (
    <div>
      {props.embedded ? <h3>{T('mineTitle')}</h3> : <ScreenTitle>{T('mineTitle')}</ScreenTitle>}
      {error && <Notice kind="error">{error}</Notice>}
      {work.length === 0 ? (
        <p>
          {T('noMine')} {!props.embedded && <a href="#/jobs" onClick={() => go('jobs')}>{T('tabJobs')}</a>}
        </p>
      ) : (
        <ul class="cards">
          {work.map((w) => (
            <WorkCard key={w.job} work={w} actor={props.actor} onChanged={load} />
          ))}
        </ul>
      )}
    </div>
  );
}

function WorkCard(props: { work: JobWorkJson; actor: Actor; onChanged: () => Promise<void> }) {
  const { work } = props;
  const id = useId('work');
  const fileId = useId('photo');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const send = async (e: Event) => {
    e.preventDefault();
    if (!file) {
      setError(T('noPhoto'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const photo = await shrinkPhoto(file);
      const uploaded = await props.actor.post<{ evidenceHash: string }>(`/v1/people/${props.actor.account}/photos`, {
        contentType: photo.type,
        photo: photo.base64,
      });
      await props.actor.submit({ type: 'SubmitCompletion', job: work.job, evidenceHash: uploaded.evidenceHash });
      setSent(true);
      await props.onChanged();
    } catch (x) {
      setError(messageOf(x));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="card" aria-labelledby={id}>
      <h2 id={id}>{jobTitle(work)}</h2>
      <p>
        <span class="tag">{work.neighbourhood}</span>{" "}
        <span class="tag">{work.category}</span> <Money cents={int(work.rewardCents)} />
      </p>
      {work.status === 'approved' && <p class="status-ok">✓ {T('stApproved', { amount: formatCents(int(work.rewardCents)) })}</p>}
      {work.status === 'rejected' && <p class="status-bad">✗ {T('stRejected', { reason: work.rejectionMessage ?? work.rejectionReason ?? '' })}</p>}
      {work.status === 'submitted' && <p>{sent ? T('sent') : T('stSubmitted')}</p>}
      {work.status === 'enrolled' && (
        <form onSubmit={send} noValidate>
          <p>{T('stEnrolled')}</p>
          <div class="field">
            <label for={fileId}>{T('photo')}</label>
            <p class="hint" id={`${fileId}-hint`}>
              {T('photoHint')}
            </p>
            <input
              id={fileId}
              type="file"
              accept="image/jpeg,image/png,image/webp"
              capture="environment"
              aria-describedby={`${fileId}-hint`}
              onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)}
            />
          </div>
          {error && <Notice kind="error">{error}</Notice>}
          {busy ? <Busy text={T('sending')} /> : <button type="submit">{T('send')}</button>}
        </form>
      )}
    </li>
  );
}

/** A phone photo made small enough to send (at most 1600 px, JPEG): old phones on slow networks, and the 2 MiB limit. */
async function shrinkPhoto(file: File): Promise<{ type: string; base64: string }> {
  let blob: Blob = file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('photo'))), 'image/jpeg', 0.82));
  } catch {
    /* the browser cannot decode it: send it as it is, the server checks type and size */
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { type: blob.type || file.type, base64: btoa(binary) };
}
