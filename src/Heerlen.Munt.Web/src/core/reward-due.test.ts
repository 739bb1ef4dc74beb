import { describe, expect, it } from 'vitest';
import { CLOSE_MARGIN_MS, MAX_DELAY_MS, MIN_DELAY_MS, chooseDueMoment, dueNow, isDue, secureRandom } from './reward-due.js';

const H = 3_600_000;
const NOW = Date.UTC(2026, 2, 18, 9, 0, 0);

describe('chooseDueMoment', () => {
  it('waits between 2 and 48 hours when the campaign runs long enough, spread by the random source', () => {
    const closes = NOW + 30 * 24 * H;
    expect(chooseDueMoment(NOW, closes, () => 0)).toEqual({ dueAtMs: NOW + MIN_DELAY_MS, short: false });
    expect(chooseDueMoment(NOW, closes, () => 0.5)).toEqual({ dueAtMs: NOW + 25 * H, short: false });
    const last = chooseDueMoment(NOW, closes, () => 1 - 2 ** -32);
    expect(last.dueAtMs).toBeLessThan(NOW + MAX_DELAY_MS);
    expect(last.dueAtMs).toBeGreaterThan(NOW + MAX_DELAY_MS - 1_000);
  });

  it('without a closing moment waits between 2 and 48 hours as well', () => {
    expect(chooseDueMoment(NOW, undefined, () => 0.5).dueAtMs).toBe(NOW + 25 * H);
    expect(chooseDueMoment(NOW, 0, () => 0).dueAtMs).toBe(NOW + 2 * H);
  });

  it('never lies later than an hour before the campaign closes', () => {
    const closes = NOW + 10 * H;
    expect(chooseDueMoment(NOW, closes, () => 0)).toEqual({ dueAtMs: NOW + 2 * H, short: false });
    expect(chooseDueMoment(NOW, closes, () => 0.999999).dueAtMs).toBeLessThanOrEqual(closes - CLOSE_MARGIN_MS);
    expect(chooseDueMoment(NOW, closes, () => 0.999999).dueAtMs).toBeGreaterThan(closes - CLOSE_MARGIN_MS - 1_000);
  });

  it('when the campaign closes sooner than the minimum wait, picks a moment between now and the margin, and says so', () => {
    const closes = NOW + 2 * H + 30 * 60_000; // 2.5 h left: the margin is a quarter of it, and closes − margin is before now + 2 h
    expect(chooseDueMoment(NOW, closes, () => 0)).toEqual({ dueAtMs: NOW, short: true });
    const late = chooseDueMoment(NOW, closes, () => 0.999999);
    expect(late.short).toBe(true);
    expect(late.dueAtMs).toBeLessThanOrEqual(closes - (2.5 * H) / 4);
    expect(late.dueAtMs).toBeGreaterThan(closes - (2.5 * H) / 4 - 1_000);
  });

  it('keeps a smaller margin, a quarter of what is left, when less than four hours are left', () => {
    const closes = NOW + 2 * H;
    const last = chooseDueMoment(NOW, closes, () => 0.999999);
    expect(last.short).toBe(true);
    expect(last.dueAtMs).toBeLessThanOrEqual(closes - H / 2);
    expect(last.dueAtMs).toBeGreaterThan(closes - H / 2 - 1_000);
  });

  it('hands a token of a campaign that is already over in at once, so the ledger can say so', () => {
    expect(chooseDueMoment(NOW, NOW - 1, () => 0.7)).toEqual({ dueAtMs: NOW, short: true });
  });

  it('refuses a random source outside [0, 1)', () => {
    expect(() => chooseDueMoment(NOW, undefined, () => 1)).toThrow();
    expect(() => chooseDueMoment(NOW, undefined, () => Number.NaN)).toThrow();
  });

  it('with the secure random source always lands inside the window, and not always on the same moment', () => {
    const closes = NOW + 5 * 24 * H;
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const { dueAtMs, short } = chooseDueMoment(NOW, closes, secureRandom);
      expect(short).toBe(false);
      expect(dueAtMs).toBeGreaterThanOrEqual(NOW + MIN_DELAY_MS);
      expect(dueAtMs).toBeLessThan(NOW + MAX_DELAY_MS);
      seen.add(dueAtMs);
    }
    expect(seen.size).toBeGreaterThan(190);
  });
});

describe('dueNow', () => {
  it('gives only finished tokens whose moment has come, the earliest first', () => {
    const items = [
      { id: 'later', dueAtMs: NOW + 1 },
      { id: 'waiting-for-the-desk' },
      { id: 'second', dueAtMs: NOW },
      { id: 'first', dueAtMs: NOW - H },
    ];
    expect(dueNow(items, NOW).map((i) => i.id)).toEqual(['first', 'second']);
    expect(isDue({ dueAtMs: NOW + 1 }, NOW)).toBe(false);
    expect(isDue({}, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
