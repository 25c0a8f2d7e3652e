/**
 * Saves what a person types shortly after they stop typing, and at once when asked to flush
 * (the page is hidden or closing). At most one save is in flight; the newest values win.
 */
export function createDraftSaver<T>(save: (values: T) => Promise<void>, delayMs = 300) {
  let pending: T | undefined;
  let hasPending = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!hasPending) return inFlight;
    const values = pending as T;
    hasPending = false;
    pending = undefined;
    inFlight = inFlight.then(() => save(values));
    return inFlight;
  }

  function schedule(values: T): void {
    pending = values;
    hasPending = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void flush().catch(() => {}), delayMs);
  }

  return { schedule, flush };
}
