// The JSON-transcoded API (docs/api.md): same origin, the caller's language, errors with a stable code and words.
import { dict, lang } from './i18n';

const T = dict(
  {
    network: 'Er is geen verbinding met de server. Controleer uw internet en probeer het opnieuw.',
    server: 'Er ging iets mis bij de server. Probeer het later opnieuw.',
  },
  {
    network: 'There is no connection to the server. Check your internet and try again.',
    server: 'Something went wrong at the server. Please try again later.',
  },
);

/** A refusal or failure: `reason` is the stable code (program against it), `message` the words to show. */
export class ApiError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
  /** Worth trying again with the same signed bytes. */
  get transient(): boolean {
    return this.reason === 'network' || [429, 502, 503, 504].includes(this.status) || this.reason === 'outcome_unknown';
  }
}

type Detail = { '@type'?: string; reason?: string; message?: string };

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { message?: string; details?: Detail[] };
    const info = body.details?.find((d) => d['@type']?.endsWith('google.rpc.ErrorInfo'));
    const words = body.details?.find((d) => d['@type']?.endsWith('google.rpc.LocalizedMessage'));
    const reason = info?.reason ?? `http_${response.status}`;
    return new ApiError(reason, words?.message ?? body.message ?? T('server'), response.status);
  } catch {
    return new ApiError(`http_${response.status}`, T('server'), response.status);
  }
}

function headers(session?: string, json = false): Record<string, string> {
  const h: Record<string, string> = { 'accept-language': lang() === 'en' ? 'en' : 'nl' };
  if (json) h['content-type'] = 'application/json';
  if (session) h.authorization = `Bearer ${session}`;
  return h;
}

async function call<R>(method: string, path: string, body?: unknown, session?: string): Promise<R> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(session, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('network', T('network'));
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as R;
}

export const api = {
  get: <R>(path: string, session?: string) => call<R>('GET', path, undefined, session),
  post: <R>(path: string, body: unknown, session?: string) => call<R>('POST', path, body, session),
  put: <R>(path: string, body: unknown, session?: string) => call<R>('PUT', path, body, session),
  del: <R>(path: string, session?: string) => call<R>('DELETE', path, undefined, session),
};

/**
 * A server stream (e.g. WatchPaymentRequest): calls onMessage for each JSON message as it arrives, until the server
 * ends the stream or `signal` aborts. Messages are read as whole JSON objects, however the chunks fall.
 */
export async function stream<M>(path: string, onMessage: (m: M) => void, signal: AbortSignal, session?: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, { headers: headers(session), signal, cache: 'no-store' });
  } catch (e) {
    if (signal.aborted) return;
    throw new ApiError('network', T('network'));
  }
  if (!response.ok || !response.body) throw await errorOf(response);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const offset = buffer.length;
      buffer += decoder.decode(value, { stream: true });
      for (let i = offset; i < buffer.length; i++) {
        const c = buffer[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{') {
          if (depth++ === 0) start = i;
        } else if (c === '}' && --depth === 0) {
          const message = JSON.parse(buffer.slice(start, i + 1)) as M & { code?: number; details?: Detail[]; message?: string };
          if (typeof message.code === 'number' && Array.isArray(message.details)) {
            const info = message.details.find((d) => d['@type']?.endsWith('google.rpc.ErrorInfo'));
            const words = message.details.find((d) => d['@type']?.endsWith('google.rpc.LocalizedMessage'));
            throw new ApiError(info?.reason ?? 'stream_error', words?.message ?? message.message ?? T('server'));
          }
          onMessage(message);
          buffer = buffer.slice(i + 1);
          i = -1;
        }
      }
    }
  } catch (e) {
    if (signal.aborted) return;
    throw e instanceof ApiError ? e : new ApiError('network', T('network'));
  }
}

/** The words to show for anything thrown: an ApiError's or Error's message (already in the person's language). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
