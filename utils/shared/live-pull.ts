// How fresh the popup's statuses are while it is open. Plain numbers, no extension API, so
// tests in Node can read the same figures the product runs with.

/** An open popup tells the background it is still there this often (over its Port). */
export const POPUP_ALIVE_MS = 10_000;

/**
 * While a popup is open, statuses are asked for at most this often: a status set on the
 * triage page shows in the open popup within LIVE_PULL_MS + POPUP_ALIVE_MS (about 40 s).
 * Without an open popup, the background's regular pull (every 5 minutes) brings them.
 */
export const LIVE_PULL_MS = 30_000;
