// A second officer co-signs on the same device (four eyes at the counter): they choose their own stored key and type
// their own PIN; their key is opened only for this one signature.
import { useEffect, useState } from 'preact/hooks';
import { Field, Notice, Select } from '../../ui/components';
import { type StoredKey, listKeys } from '../../ui/keystore';
import { type Wallet, WrongPin, unseal } from '../../ui/wallet';
import { T } from './texts';

export interface CosignState {
  keyId: string;
  pin: string;
}

export function useCosign(me: StoredKey) {
  const [others, setOthers] = useState<StoredKey[]>([]);
  const [state, setState] = useState<CosignState>({ keyId: '', pin: '' });
  useEffect(() => {
    listKeys('office').then((keys) => {
      const rest = keys.filter((k) => k.id !== me.id);
      setOthers(rest);
      if (rest.length > 0) setState((s) => ({ ...s, keyId: rest[0].id }));
    });
  }, [me.id]);
  /** The second officer's wallet, or throws with words to show. */
  const open = async (): Promise<Wallet> => {
    const key = others.find((k) => k.id === state.keyId);
    if (!key) throw new Error(T('noCosigner'));
    try {
      return await unseal(key.sealed, state.pin);
    } catch (e) {
      throw e instanceof WrongPin ? new Error(T('wrongPin')) : e;
    } finally {
      setState((s) => ({ ...s, pin: '' }));
    }
  };
  return { others, state, setState, open };
}

export function CosignFields(props: { cosign: ReturnType<typeof useCosign>; error?: string | null }) {
  const { others, state, setState } = props.cosign;
  if (others.length === 0) return <Notice kind="warn">{T('noCosigner')}</Notice>;
  return (
    <fieldset class="card">
      <legend>{T('cosigner')}</legend>
      <Select label={T('cosigner')} hint={T('cosignerHint')} value={state.keyId} onChange={(keyId) => setState({ ...state, keyId })} options={others.map((k) => ({ value: k.id, label: k.label }))} />
      <Field label={T('cosignerPin')} type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={state.pin} onInput={(pin) => setState({ ...state, pin })} error={props.error} />
    </fieldset>
  );
}
