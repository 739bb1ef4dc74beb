// The building blocks every app shares. Accessibility (WCAG 2.1 AA) is built in here: a skip link, one <main>,
// labels tied to inputs, errors announced (role=alert), status changes announced (aria-live), visible focus,
// touch targets of at least 44 px, and nothing that only colour tells.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import qrcode from 'qrcode-generator';
import { dict, lang, setLang, useLang } from './i18n';
import { formatCents } from './money';

const T = dict(
  {
    skip: 'Naar de inhoud',
    switchLang: 'English',
    switchLangLabel: 'Switch to English',
    busy: 'Even geduld…',
    qrAlt: 'QR-code',
    footer: 'Heerlen Munt — 1 HM = 1 euro. Alleen te besteden bij aangesloten winkels in Heerlen.',
    menu: 'Menu',
  },
  {
    skip: 'Skip to content',
    switchLang: 'Nederlands',
    switchLangLabel: 'Schakel naar Nederlands',
    busy: 'Please wait…',
    qrAlt: 'QR code',
    footer: 'Heerlen Munt — 1 HM = 1 euro. Only to be spent at affiliated shops in Heerlen.',
    menu: 'Menu',
  },
);

export interface NavItem {
  href: string;
  label: string;
  current: boolean;
}

/** The page: skip link, header with the app's name and the language switch, optional navigation, main, footer. */
export function Shell(props: { app: string; nav?: NavItem[]; children: ComponentChildren; wide?: boolean }) {
  useLang();
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        {T('skip')}
      </a>
      <header class="top">
        <div class={props.wide ? 'bar wide' : 'bar'}>
          <span class="brand" aria-hidden="true">HM</span>
          <span class="app-name">{props.app}</span>
          <button
            type="button"
            class="lang"
            lang={lang() === 'nl' ? 'en' : 'nl'}
            aria-label={T('switchLangLabel')}
            onClick={() => setLang(lang() === 'nl' ? 'en' : 'nl')}
          >
            {T('switchLang')}
          </button>
        </div>
        {props.nav && props.nav.length > 0 && (
          <nav aria-label={T('menu')} class={props.wide ? 'tabs wide' : 'tabs'}>
            <ul>
              {props.nav.map((n) => (
                <li key={n.href}>
                  <a href={n.href} aria-current={n.current ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1} class={props.wide ? 'wide' : undefined}>
        {props.children}
      </main>
      <footer class="foot">
        <p>{T('footer')}</p>
      </footer>
    </>
  );
}

/** A heading that takes focus when the screen changes, so screen readers and keyboards start at the new screen. */
export function ScreenTitle(props: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {props.children}
    </h1>
  );
}

let fieldCounter = 0;
/** A stable id for a field's label, hint and error. */
export function useId(prefix = 'f'): string {
  const [id] = useState(() => `${prefix}-${++fieldCounter}`);
  return id;
}

/** A labelled input with an optional hint and error, tied together for screen readers. */
export function Field(
  props: {
    label: string;
    hint?: string;
    error?: string | null;
    value: string;
    onInput: (value: string) => void;
    type?: 'text' | 'password' | 'number' | 'date' | 'datetime-local' | 'search';
    inputMode?: 'numeric' | 'decimal' | 'text';
    autoComplete?: string;
    maxLength?: number;
    required?: boolean;
    placeholder?: string;
    spellcheck?: boolean;
    autoCapitalize?: 'none' | 'off' | 'sentences';
    name?: string;
  },
) {
  const { label, hint, error, value, onInput, type, ...rest } = props;
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={id}
        type={type ?? 'text'}
        value={value}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described}
        {...rest}
      />
      {error && (
        <p class="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled select. */
export function Select(props: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
  hint?: string;
}) {
  const id = useId('s');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      <select
        id={id}
        value={props.value}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A message: errors interrupt (role=alert), the rest is announced politely. */
export function Notice(props: { kind: 'error' | 'ok' | 'info' | 'warn'; children: ComponentChildren; id?: string }) {
  return (
    <div id={props.id} class={`notice ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/**
 * A submit button that stays where it is while its action runs, so keyboard focus stays on it: it says it is busy
 * (announced), is marked aria-disabled, and a click or Enter does nothing until the action ends.
 */
export function SubmitButton(props: { busy: boolean; busyText?: string; class?: string; children: ComponentChildren }) {
  return (
    <button
      type="submit"
      class={props.class}
      aria-disabled={props.busy ? 'true' : undefined}
      onClick={(e) => {
        if (props.busy) e.preventDefault();
      }}
    >
      {props.busy ? (
        <span role="status">
          <span class="spinner" aria-hidden="true" /> {props.busyText ?? T('busy')}
        </span>
      ) : (
        props.children
      )}
    </button>
  );
}

/** "Please wait…" while something runs; announced once. */
export function Busy(props: { text?: string }) {
  return (
    <p class="busy" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> {props.text ?? T('busy')}
    </p>
  );
}

export function Money(props: { cents: number; class?: string }) {
  useLang();
  return <span class={props.class ?? 'money'}>{formatCents(props.cents)}</span>;
}

/** A QR code as SVG, with its content described for people who cannot see it. */
export function QrCode(props: { text: string; label: string; size?: number }) {
  const qr = qrcode(0, 'M');
  qr.addData(props.text);
  qr.make();
  const cells = qr.getModuleCount();
  const margin = 4;
  const total = cells + margin * 2;
  let path = '';
  for (let r = 0; r < cells; r++)
    for (let c = 0; c < cells; c++) if (qr.isDark(r, c)) path += `M${c + margin} ${r + margin}h1v1h-1z`;
  return (
    <svg
      class="qr"
      data-content={props.text}
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${total} ${total}`}
      width={props.size ?? 240}
      height={props.size ?? 240}
      shape-rendering="crispEdges"
    >
      <rect width={total} height={total} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

/** The part of the location after '#', e.g. "jobs" for "#/jobs"; re-renders on change. */
export function useRoute(): string {
  const read = () => location.hash.replace(/^#\/?/, '');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const f = () => setRoute(read());
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return route;
}

export function go(route: string): void {
  location.hash = `#/${route}`;
}
