import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDraftSaver } from '@/utils/ui/draft-saver';

describe('draft saver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves the newest values once typing pauses', async () => {
    const saved: string[] = [];
    const saver = createDraftSaver(async (v: string) => {
      saved.push(v);
    }, 300);
    saver.schedule('M');
    saver.schedule('Me');
    await vi.advanceTimersByTimeAsync(200);
    saver.schedule('Merge');
    await vi.advanceTimersByTimeAsync(299);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual(['Merge']);
  });

  it('flushes at once when asked, and then has nothing left to save', async () => {
    const saved: string[] = [];
    const saver = createDraftSaver(async (v: string) => {
      saved.push(v);
    }, 300);
    saver.schedule('Merge steps');
    await saver.flush();
    expect(saved).toEqual(['Merge steps']);
    await vi.advanceTimersByTimeAsync(1000);
    await saver.flush();
    expect(saved).toEqual(['Merge steps']);
  });

  it('keeps saves in order, one at a time', async () => {
    const events: string[] = [];
    const saver = createDraftSaver(async (v: string) => {
      events.push(`start ${v}`);
      await new Promise((r) => setTimeout(r, 50));
      events.push(`end ${v}`);
    }, 10);
    saver.schedule('a');
    const first = saver.flush();
    saver.schedule('b');
    const second = saver.flush();
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all([first, second]);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b']);
  });
});

describe('draft saver after a failed save', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('goes on saving, and retries what failed with the next save', async () => {
    const saved: string[] = [];
    let failNext = true;
    const saver = createDraftSaver(async (v: string) => {
      if (failNext) {
        failNext = false;
        throw new Error('background asleep');
      }
      saved.push(v);
    }, 10);
    saver.schedule('Merge');
    await expect(saver.flush()).rejects.toThrow('background asleep');
    // Nothing new typed: the failed values are still pending, and the next flush sends them.
    await saver.flush();
    expect(saved).toEqual(['Merge']);
    saver.schedule('Merge steps');
    await vi.advanceTimersByTimeAsync(10);
    expect(saved).toEqual(['Merge', 'Merge steps']);
  });
});
