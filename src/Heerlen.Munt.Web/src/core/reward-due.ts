// When the resident's app hands a finished reward token in (docs/participation.md, "What can be learnt"). The desk knows
// when it served each person; officers and auditors reading the chain see when each account handed a token in. Handing in
// right after the desk would link the two by time, so the app waits a random while first: uniformly between 2 and 48
// hours, but always before the campaign closes (a token handed in after that never pays). Pure: the caller passes the
// clock and the random source.

export const MIN_DELAY_MS = 2 * 3_600_000;
export const MAX_DELAY_MS = 48 * 3_600_000;
/** How long before closes_at the last moment lies: time for a phone that is opened late, or a slow network. */
export const CLOSE_MARGIN_MS = 3_600_000;

export interface DueMoment {
  dueAtMs: number;
  /** The campaign closes sooner than MIN_DELAY_MS from now: the wait is shorter, and hides less. */
  short: boolean;
}

/** A uniform number in [0, 1) from the platform's cryptographic random source: a guessable wait would hide nothing. */
export function secureRandom(): number {
  const word = new Uint32Array(1);
  globalThis.crypto.getRandomValues(word);
  return word[0] / 2 ** 32;
}

/**
 * The moment to hand a token in, chosen uniformly at random. Normally in [now + 2 h, min(now + 48 h, closes − margin)];
 * the margin is an hour, or a quarter of the time left when less than four hours are left. When the campaign closes
 * sooner than that allows, a moment in [now, closes − margin] (`short`). `closesAtMs` 0 or missing: no end.
 */
export function chooseDueMoment(nowMs: number, closesAtMs: number | undefined, random: () => number = secureRandom): DueMoment {
  const r = random();
  if (!(r >= 0 && r < 1)) throw new Error('the random source must give a number in [0, 1)');
  const earliest = nowMs + MIN_DELAY_MS;
  let latest = nowMs + MAX_DELAY_MS;
  if (closesAtMs && closesAtMs > 0) {
    const left = closesAtMs - nowMs;
    if (left <= 0) return { dueAtMs: nowMs, short: true }; // over already: handing in at once lets the ledger say so
    latest = Math.min(latest, closesAtMs - Math.min(CLOSE_MARGIN_MS, left / 4));
  }
  if (latest < earliest) return { dueAtMs: Math.floor(nowMs + r * (latest - nowMs)), short: true };
  return { dueAtMs: Math.floor(earliest + r * (latest - earliest)), short: false };
}

/** Whether a stored token is to be handed in now: only finished ones have a due moment. */
export const isDue = (item: { dueAtMs?: number }, nowMs: number): boolean => item.dueAtMs !== undefined && item.dueAtMs <= nowMs;

/** The stored tokens that are due, oldest due first. */
export function dueNow<T extends { dueAtMs?: number }>(items: readonly T[], nowMs: number): T[] {
  return items.filter((i) => isDue(i, nowMs)).sort((a, b) => (a.dueAtMs ?? 0) - (b.dueAtMs ?? 0));
}
