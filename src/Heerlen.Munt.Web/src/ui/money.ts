// Money is whole cents (integers) from the API to the screen: never floating point.
import { lang } from './i18n';

/** "HM 15,00" (Dutch) or "HM 15.00" (English); negative amounts get a minus sign. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) return 'HM ?';
  const sign = cents < 0 ? '−' : '';
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  const sep = lang() === 'en' ? '.' : ',';
  const group = lang() === 'en' ? ',' : '.';
  const whole = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${sign}HM ${whole}${sep}${rest}`;
}

/**
 * Reads an amount people type: "4", "4,5", "4,50", "4.50", "HM 4,50". Returns cents, or null when it is not an
 * amount (letters, more than two decimals, negative, or more than HM 100.000).
 */
export function parseAmount(text: string): number | null {
  const m = /^\s*(?:HM\s*)?(\d{1,6})(?:[.,](\d{1,2}))?\s*$/i.exec(text);
  if (!m) return null;
  const cents = Number(m[1]) * 100 + (m[2] ? Number(m[2].padEnd(2, '0')) : 0);
  return cents > 0 && cents <= 10_000_000 ? cents : null;
}

/** An int64 from JSON (the API writes them as strings) as a number; 0 when absent. */
export function int(value: unknown): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not a whole number: ${String(value)}`);
  return n;
}

/** A date and time in the Netherlands' time zone, the way people read it. */
export function formatTime(ms: number, withDate = true): string {
  const options: Intl.DateTimeFormatOptions = withDate
    ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' }
    : { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' };
  return new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'nl-NL', options).format(new Date(ms));
}

export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'nl-NL', {
    weekday: 'short', day: 'numeric', month: 'long', timeZone: 'Europe/Amsterdam',
  }).format(new Date(ms));
}
