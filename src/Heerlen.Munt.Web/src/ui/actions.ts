// One way for a screen to run what a person asked for (submit a command, then re-read the list): one action at a
// time is shown as busy under its key, its failure is shown under the same key in words, and a success says so.
import { useState } from 'preact/hooks';
import { messageOf } from './api';

export interface Actions {
  /** Errors by key (an action's key, or a field's). */
  errors: Record<string, string>;
  setErrors: (errors: Record<string, string>) => void;
  /** What the last action that worked said. */
  message: string | null;
  /** The key of the action running now. */
  busy: string | null;
  /** Runs `work` under `key`; its result is the message shown; then `reload` runs. */
  act: (key: string, work: () => Promise<string>) => Promise<void>;
}

export function useActions(reload: () => Promise<unknown>): Actions {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (key: string, work: () => Promise<string>) => {
    setBusy(key);
    setErrors({});
    setMessage(null);
    try {
      setMessage(await work());
      await reload();
    } catch (x) {
      setErrors({ [key]: messageOf(x) });
    } finally {
      setBusy(null);
    }
  };
  return { errors, setErrors, message, busy, act };
}
