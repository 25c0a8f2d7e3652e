// Sync figures: the outbox engine against the reference endpoint on loopback (PGlite in
// memory), beside a naive one-at-a-time sender, and through a faulty network.
// Runs on its own too: `node --import tsx tests/bench/sync.ts`.
import 'fake-indexeddb/auto';
import { openDatabase } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { FlywheelDatabase } from '../../utils/background/db';
import { toAnnotation } from '../../utils/background/sync/annotation';
import { createSyncEngine } from '../../utils/background/sync/engine';
import { exchange } from '../../utils/background/sync/http';
import { startFaultProxy } from '../support/fault-proxy';
import { memorySyncStatus } from '../support/memory-sync-status';
import { seededRandom } from '../support/seeded-random';
import { queueSuggestions, serverCounts } from '../support/suggestions';

const QUEUED = 1_000;
const FAULTY = 500;

async function withServer<T>(run: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await startServer({ port: 0, database: await openDatabase({ memory: true }) });
  try {
    return await run(server);
  } finally {
    await server.close();
    await server.database.close();
  }
}

function engineFor(db: FlywheelDatabase, endpointUrl: string, random = Math.random) {
  const status = memorySyncStatus();
  return createSyncEngine({
    db,
    loadConfig: async () => ({ endpointUrl, authMode: 'token', token: '', displayName: '' }),
    status,
    wakeAt: () => {},
    onChange: () => {},
    random,
  });
}

/** 1,000 queued suggestions delivered by the engine, and by a naive sender, in the same run. */
export async function benchQueuedDelivery() {
  const engineRun = await withServer(async (server) => {
    const db = new FlywheelDatabase(`bench-${crypto.randomUUID()}`);
    const ids = await queueSuggestions(db, QUEUED);
    const started = performance.now();
    await engineFor(db, server.containerUrl).drain();
    const ms = performance.now() - started;
    const counts = await serverCounts(server, ids);
    await db.delete();
    return { ms, ...counts, left: QUEUED - counts.rows };
  });
  const naiveRun = await withServer(async (server) => {
    const db = new FlywheelDatabase(`bench-${crypto.randomUUID()}`);
    const ids = await queueSuggestions(db, QUEUED);
    const suggestions = await db.suggestions.bulkGet(ids);
    const started = performance.now();
    // One request after the other, no outbox bookkeeping: the simplest possible sender.
    for (const suggestion of suggestions) {
      if (!suggestion) continue;
      await exchange(
        fetch,
        server.containerUrl,
        {
          method: 'POST',
          body: toAnnotation(suggestion, ''),
          headers: { 'Idempotency-Key': suggestion.id },
        },
        { authMode: 'token', token: '' },
        { now: Date.now() },
      );
    }
    const ms = performance.now() - started;
    const counts = await serverCounts(server, ids);
    await db.delete();
    return { ms, ...counts };
  });
  return {
    suggestions: QUEUED,
    engineMs: Math.round(engineRun.ms),
    engineRequestsPerSecond: Math.round((QUEUED / engineRun.ms) * 1000),
    engineServerRows: engineRun.rows,
    engineDuplicates: engineRun.rows - engineRun.distinctKeys,
    naiveMs: Math.round(naiveRun.ms),
    naiveRequestsPerSecond: Math.round((QUEUED / naiveRun.ms) * 1000),
    naiveOverEngine: Number((naiveRun.ms / engineRun.ms).toFixed(2)),
    budgetMs: 5_000,
    budgetMet: engineRun.ms <= 5_000 && engineRun.rows === QUEUED && engineRun.left === 0,
  };
}

/** 500 suggestions through a proxy that drops 30% of answers and duplicates 10% of requests. */
export async function benchFaultyNetwork() {
  return withServer(async (server) => {
    const proxy = await startFaultProxy(server.containerUrl);
    const random = seededRandom(7);
    proxy.setFaults(() => {
      const roll = random();
      if (roll < 0.3) return { kind: 'drop-response' };
      if (roll < 0.4) return { kind: 'duplicate' };
      return { kind: 'pass' };
    });
    const db = new FlywheelDatabase(`bench-${crypto.randomUUID()}`);
    const ids = await queueSuggestions(db, FAULTY);
    // Backoff is skipped between runs here: the figure is about correctness under faults.
    const engine = engineFor(db, proxy.containerUrl, () => 0);
    const started = performance.now();
    let runs = 0;
    while ((await db.outbox.count()) > 0 && runs < 50) {
      await engine.drain();
      runs++;
    }
    const ms = performance.now() - started;
    const counts = await serverCounts(server, ids);
    const result = {
      submitted: FAULTY,
      serverRows: counts.rows,
      duplicates: counts.rows - counts.distinctKeys,
      lost: FAULTY - counts.distinctKeys,
      drainRuns: runs,
      requests: proxy.stats.requests,
      droppedAnswers: proxy.stats.dropped,
      duplicatedRequests: proxy.stats.duplicated,
      ms: Math.round(ms),
    };
    await proxy.close();
    await db.delete();
    return result;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify(
      { queued: await benchQueuedDelivery(), faulty: await benchFaultyNetwork() },
      null,
      2,
    ),
  );
}
