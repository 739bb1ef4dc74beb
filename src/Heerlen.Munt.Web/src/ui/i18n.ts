// Plain Dutch (B1) by default, English on request; the choice is kept on the device.
import { useEffect, useState } from 'preact/hooks';

export type Lang = 'nl' | 'en';

let current: Lang = readStored();
const listeners = new Set<() => void>();

function readStored(): Lang {
  try {
    return localStorage.getItem('hm.lang') === 'en' ? 'en' : 'nl';
  } catch {
    return 'nl';
  }
}

/** The language in use now. */
export function lang(): Lang {
  return current;
}

/** Switches language everywhere at once and remembers it. */
export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem('hm.lang', next);
  } catch {
    /* private mode: not remembered */
  }
  document.documentElement.lang = next;
  listeners.forEach((f) => f());
}

/** Re-renders the component when the language changes; returns the language. */
export function useLang(): Lang {
  const [, force] = useState(0);
  useEffect(() => {
    const f = () => force((x) => x + 1);
    listeners.add(f);
    return () => {
      listeners.delete(f);
    };
  }, []);
  return current;
}

export type Params = Record<string, string | number>;

/** A dictionary: the Dutch and English text of each key; `{name}` in a text is replaced by params. */
export function dict<K extends string>(nl: Record<K, string>, en: Record<K, string>): (key: K, params?: Params) => string {
  return (key, params) => {
    let text = (current === 'en' ? en : nl)[key] ?? key;
    if (params) for (const [name, value] of Object.entries(params)) text = text.split(`{${name}}`).join(String(value));
    return text;
  };
}

document.documentElement.lang = current;
