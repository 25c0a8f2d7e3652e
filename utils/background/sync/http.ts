// One HTTP exchange with the endpoint, and what it means for the outbox.
import * as v from 'valibot';
import { ANNOTATION_MEDIA_TYPE, ProblemSchema } from '../../protocol/annotation';
import { parseRetryAfter } from './backoff';

/** A service worker is stopped 30 s into a task: give up on a request well before. */
export const REQUEST_TIMEOUT_MS = 20_000;

export type Outcome =
  | { kind: 'ok'; status: number; body: unknown; etag: string | null }
  | {
      kind: 'retry';
      reason: string;
      retryAfterMs: number | null;
      offline: boolean;
      /** The endpoint failed (5xx) or was busy with this item (409): counted per item. */
      serverError?: boolean;
    }
  | { kind: 'unauthorized'; reason: string }
  /** 403: this item may not be done with these credentials; the others may. */
  | { kind: 'forbidden'; reason: string }
  | { kind: 'permanent'; reason: string }
  | { kind: 'conflict'; reason: string }
  | { kind: 'gone' };

export interface Credentials {
  authMode: 'token' | 'session';
  token: string;
}

const RETRYABLE = new Set([408, 409, 425, 429]);
const MAX_REASON = 500;

async function problemReason(response: Response): Promise<string> {
  const fallback = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  try {
    const parsed = v.safeParse(ProblemSchema, await response.json());
    if (!parsed.success) return fallback;
    const { title, error, detail } = parsed.output;
    const details = Array.isArray(detail)
      ? detail
          .map((d) => (typeof d === 'object' && d && 'message' in d ? String(d.message) : ''))
          .filter(Boolean)
          .join('; ')
      : '';
    return `${title ?? error}${details ? `: ${details}` : ''} (${response.status})`.slice(
      0,
      MAX_REASON,
    );
  } catch {
    return fallback;
  }
}

export async function exchange(
  fetchImpl: typeof fetch,
  url: string,
  init: { method: string; body?: unknown; headers?: Record<string, string> },
  credentials: Credentials,
  options: { now: number; timeoutMs?: number },
): Promise<Outcome> {
  const headers: Record<string, string> = { Accept: ANNOTATION_MEDIA_TYPE, ...init.headers };
  if (init.body !== undefined) headers['Content-Type'] = ANNOTATION_MEDIA_TYPE;
  if (credentials.authMode === 'token' && credentials.token) {
    headers.Authorization = `Bearer ${credentials.token}`;
  }
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: credentials.authMode === 'session' ? 'include' : 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return {
      kind: 'retry',
      reason: timedOut ? 'errorEndpointTimeout' : 'errorEndpointUnreachable',
      retryAfterMs: null,
      offline: !timedOut,
    };
  }
  const { status } = response;
  if (status >= 200 && status < 300) {
    let body: unknown = null;
    if (status !== 204) {
      try {
        body = await response.json();
      } catch {
        body = undefined; // not JSON: the caller's schema check turns this into a clear error
      }
    }
    return { kind: 'ok', status, body, etag: response.headers.get('ETag') };
  }
  if (status === 304) return { kind: 'ok', status, body: null, etag: response.headers.get('ETag') };
  if (status === 401) return { kind: 'unauthorized', reason: await problemReason(response) };
  if (status === 403) return { kind: 'forbidden', reason: await problemReason(response) };
  if (status === 404 || status === 410) return { kind: 'gone' };
  if (status === 412) return { kind: 'conflict', reason: await problemReason(response) };
  if (RETRYABLE.has(status) || status >= 500) {
    return {
      kind: 'retry',
      reason: await problemReason(response),
      retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), options.now),
      offline: false,
      serverError: status >= 500 || status === 409,
    };
  }
  return { kind: 'permanent', reason: await problemReason(response) };
}
