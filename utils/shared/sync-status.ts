// Where sending stands overall. Plain data, no storage here: the engine runs in tests and
// benchmarks outside an extension too.

/** `token`: a bearer token; `session`: the browser's intranet sign-in (cookies). */
export type AuthMode = 'token' | 'session';

export interface SyncStatus {
  lastSyncAt: number | null;
  /** `unauthorized`: the endpoint refused our credentials; sending waits for new ones. */
  paused: 'unauthorized' | null;
  offline: boolean;
  lastError: string | null;
  lastPullAt: number | null;
}

/** Where sync stands before it has ever run. */
export const INITIAL_SYNC_STATUS: SyncStatus = {
  lastSyncAt: null,
  paused: null,
  offline: false,
  lastError: null,
  lastPullAt: null,
};
