// The one sender: drains the persisted outbox to the endpoint and brings statuses back.
import * as v from 'valibot';
import {
  AnnotationCollectionSchema,
  AnnotationPageSchema,
  AUTHOR_SECRET_HEADER,
  findUnstorable,
  IncomingSuggestionSchema,
  isTextualBody,
  StoredSuggestionSchema,
} from '../../protocol/annotation';
import type {
  OutboxOperation,
  OwnerReply,
  RemoteVersion,
  Suggestion,
  UnreadUpdate,
} from '../../shared/suggestion';
import type { SyncStatus } from '../../shared/sync-status';
import type { AuthorSecret, FlywheelDatabase } from '../db';
import { fetchReplies } from '../page-listing';
import { remoteFields, remoteKey, toAnnotation } from './annotation';
import { newAuthorSecret } from './author-secret';
import { backoffDelay } from './backoff';
import { type Credentials, exchange, type Outcome } from './http';
import { createInteractionSender } from './interactions';

export interface SyncConfig extends Credentials {
  endpointUrl: string;
  displayName: string;
}

export interface SyncDeps {
  db: FlywheelDatabase;
  /** The endpoint and credentials; null: Flywheel works on this device only. */
  loadConfig: () => Promise<SyncConfig | null>;
  status: { get: () => Promise<SyncStatus>; set: (status: SyncStatus) => Promise<void> };
  /** Ask to be woken at this time (an alarm, and a timer while the worker lives). */
  wakeAt: (time: number) => void;
  onChange: () => void;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  concurrency?: number;
  timeoutMs?: number;
}

/** An endpoint that keeps answering with something that is not an annotation gets this many tries. */
export const MAX_GARBAGE_ATTEMPTS = 5;
/**
 * An item the endpoint keeps failing on (5xx) or keeps calling busy (409) is `failed` after
 * this many such answers, with the endpoint's reason, and can be retried by hand; with
 * backoff this is about a minute of trying. Network errors and 429 do not count: nothing is
 * wrong with the item then.
 */
export const MAX_SERVER_ERRORS = 6;
const IDS_PER_PULL = 200;
/** An edit refused over votes or replies alone is sent again quietly this often, then asked. */
const MAX_QUIET_RESENDS = 3;
/** Longer than any request may take (20 s), shorter than a person's patience. */
const WATCHDOG_MS = 30_000;
const MAX_PAGES_PER_PULL = 20;

type SendResult = 'done' | 'retry' | 'unauthorized';
/** Operations claimed, sent and settled together: two transactions a batch, not three a row. */
const BATCH_SIZE = 50;

/**
 * Where to reach one annotation: its IRI when that lies inside the configured container,
 * else the container plus its key. The token is only ever sent to the configured endpoint,
 * whatever IRIs an endpoint hands out.
 */
function annotationUrl(endpointUrl: string, remoteId: string): string {
  if (remoteId.startsWith(endpointUrl)) return remoteId;
  return `${endpointUrl}${encodeURIComponent(remoteKey(remoteId))}`;
}

/** Why the endpoint would refuse this body for good (the wire's own rules), if it would. */
function unsendableReason(body: unknown): string | undefined {
  const unstorable = findUnstorable(body);
  if (unstorable) return `${unstorable.path} ${unstorable.message}`;
  const checked = v.safeParse(IncomingSuggestionSchema, body);
  if (checked.success) return undefined;
  const issue = checked.issues[0];
  const path = issue ? v.getDotPath(issue) : null;
  return `${path ? `${path} ` : ''}${issue?.message ?? 'not a valid annotation'}`;
}

export function createSyncEngine(deps: SyncDeps) {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init));
  const concurrency = deps.concurrency ?? 6;
  let running: Promise<void> | null = null;
  let again = false;
  // Support and replies: their own outbox, sent in the same run (sync/interactions.ts).
  const interactions = createInteractionSender({
    db,
    fetch: fetchImpl,
    now,
    random,
    timeoutMs: deps.timeoutMs,
  });

  async function updateStatus(change: Partial<SyncStatus>) {
    await deps.status.set({ ...(await deps.status.get()), ...change });
  }

  /** Rows left `sending` by a worker that was stopped mid-request go back to the queue. */
  async function recover(): Promise<number> {
    return db.inSyncState('sending').modify({ syncState: 'queued' });
  }

  /** What one answer means for the outbox row and the suggestion. */
  interface Settlement {
    op: OutboxOperation;
    /** Keep the row with these changes (a retry), or drop it (done, failed). */
    outbox: { update: Partial<OutboxOperation> } | 'delete';
    suggestion: Partial<Suggestion>;
    result: SendResult;
  }

  function retryLater(
    op: OutboxOperation,
    reason: string,
    retryAfterMs: number | null,
    counted: Partial<OutboxOperation> = {},
  ): Settlement {
    const attempts = op.attempts + 1;
    const wait = Math.max(backoffDelay(attempts, random), retryAfterMs ?? 0);
    return {
      op,
      outbox: { update: { attempts, notBefore: now() + wait, ...counted } },
      suggestion: { syncState: 'queued', lastError: reason },
      result: 'retry',
    };
  }

  function done(op: OutboxOperation, suggestion: Partial<Suggestion>): Settlement {
    return { op, outbox: 'delete', suggestion, result: 'done' };
  }

  function request(
    op: OutboxOperation,
    suggestion: Suggestion,
    config: SyncConfig,
    secret: string | undefined,
  ) {
    const options = { now: now(), timeoutMs: deps.timeoutMs };
    // Proves authorship to the endpoint alone; it never leaves the background otherwise.
    const authorship: Record<string, string> = secret ? { [AUTHOR_SECRET_HEADER]: secret } : {};
    if (op.kind === 'create' || !suggestion.remoteId) {
      // The suggestion's own id as the key: a resend after a lost answer creates nothing new.
      return exchange(
        fetchImpl,
        config.endpointUrl,
        {
          method: 'POST',
          body: op.body,
          headers: { 'Idempotency-Key': suggestion.id, ...authorship },
        },
        config,
        options,
      );
    }
    const ifMatch: Record<string, string> = {
      ...authorship,
      ...(suggestion.etag ? { 'If-Match': suggestion.etag } : {}),
    };
    return exchange(
      fetchImpl,
      annotationUrl(config.endpointUrl, suggestion.remoteId),
      op.kind === 'delete'
        ? { method: 'DELETE', headers: ifMatch }
        : { method: 'PUT', body: op.body, headers: ifMatch },
      config,
      options,
    );
  }

  function settlementFor(op: OutboxOperation, outcome: Outcome): Settlement {
    switch (outcome.kind) {
      case 'ok': {
        if (op.kind === 'delete') return done(op, { syncState: 'synced', remoteStatus: undefined });
        const parsed = v.safeParse(StoredSuggestionSchema, outcome.body);
        if (!parsed.success) {
          return op.attempts + 1 >= MAX_GARBAGE_ATTEMPTS
            ? done(op, { syncState: 'failed', lastError: 'errorEndpointGarbage' })
            : retryLater(op, 'errorEndpointGarbage', null);
        }
        return done(op, {
          syncState: 'synced',
          lastError: undefined,
          sentText: parsed.output.body
            .filter(isTextualBody)
            .find((body) => body.purpose === 'editing')?.value,
          ...remoteFields(parsed.output, outcome.etag),
        });
      }
      case 'retry': {
        if (!outcome.serverError) return retryLater(op, outcome.reason, outcome.retryAfterMs);
        const serverErrors = (op.serverErrors ?? 0) + 1;
        if (serverErrors >= MAX_SERVER_ERRORS) {
          return done(op, { syncState: 'failed', lastError: outcome.reason });
        }
        return retryLater(op, outcome.reason, outcome.retryAfterMs, { serverErrors });
      }
      case 'forbidden':
        // This item, not the token: the others go on; the person sees why and may retry it.
        return done(op, { syncState: 'failed', lastError: outcome.reason });
      case 'unauthorized':
        // Not an attempt that counts: nothing is wrong with the suggestion.
        return {
          op,
          outbox: { update: {} },
          suggestion: { syncState: 'queued', lastError: outcome.reason },
          result: 'unauthorized',
        };
      case 'conflict':
        // Both versions are kept: ours stays here, the endpoint keeps its own.
        return done(op, { syncState: 'conflict', lastError: outcome.reason });
      case 'gone':
        return done(op, { syncState: 'failed', lastError: 'errorEndpointGone' });
      case 'permanent':
        return done(op, { syncState: 'failed', lastError: outcome.reason });
    }
  }

  /**
   * Claims a batch in one transaction: freezes each request body (every retry sends exactly
   * the same, whatever settings change in between) and marks the suggestions `sending`.
   */
  async function claim(ops: OutboxOperation[], config: SyncConfig) {
    return db.transaction('rw', db.suggestions, db.outbox, db.authorSecrets, async () => {
      const ids = ops.map((op) => op.suggestionId);
      const suggestions = await db.suggestions.bulkGet(ids);
      const secrets = await db.authorSecrets.bulkGet(ids);
      const claimed: { op: OutboxOperation; suggestion: Suggestion; secret?: string }[] = [];
      const unsendable: Settlement[] = [];
      const orphaned: string[] = [];
      const newSecrets: AuthorSecret[] = [];
      ops.forEach((op, i) => {
        const suggestion = suggestions[i];
        if (!suggestion) {
          orphaned.push(op.id);
          return;
        }
        let secret = secrets[i]?.secret;
        if (!secret && op.kind === 'create') {
          // Made when first sent and kept before the request leaves: a resend proves the same.
          secret = newAuthorSecret();
          newSecrets.push({ suggestionId: suggestion.id, secret });
        }
        if (op.body === undefined && op.kind !== 'delete') {
          op.body = toAnnotation(suggestion, config.displayName);
        }
        if (op.kind !== 'delete') {
          // What no endpoint can store fails here, at once, with the reason, not after retries.
          const reason = unsendableReason(op.body);
          if (reason) {
            unsendable.push(
              done(op, { syncState: 'failed', lastError: `Cannot be sent: ${reason}` }),
            );
            return;
          }
        }
        claimed.push({ op, suggestion, secret });
      });
      await db.authorSecrets.bulkAdd(newSecrets);
      await db.outbox.bulkDelete(orphaned);
      await db.outbox.bulkPut(claimed.map((c) => c.op));
      await db.suggestions.bulkUpdate(
        claimed.map((c) => ({ key: c.suggestion.id, changes: { syncState: 'sending' as const } })),
      );
      return { claimed, unsendable };
    });
  }

  async function settleAll(settlements: Settlement[]) {
    await db.transaction('rw', db.suggestions, db.outbox, async () => {
      await db.outbox.bulkDelete(
        settlements.filter((s) => s.outbox === 'delete').map((s) => s.op.id),
      );
      await db.outbox.bulkUpdate(
        settlements.flatMap((s) =>
          s.outbox === 'delete' ? [] : [{ key: s.op.id, changes: s.outbox.update }],
        ),
      );
      await db.suggestions.bulkUpdate(
        settlements.map((s) => ({ key: s.op.suggestionId, changes: s.suggestion })),
      );
    });
  }

  async function drainOnce(): Promise<void> {
    const config = await deps.loadConfig();
    if (!config) return;
    if ((await deps.status.get()).paused) return;
    // Should this worker be stopped mid-run, be woken to finish what it left in flight.
    if ((await db.outbox.count()) + (await interactions.waiting()) > 0) {
      deps.wakeAt(now() + WATCHDOG_MS);
    }
    let delivered = false;
    let stop = false;
    // Each operation is tried at most once a run: a retry waits for the next run, so an
    // endpoint that is down cannot turn a run into a busy loop.
    const tried = new Set<string>();
    while (!stop) {
      const due = (
        await db.outbox
          .where('notBefore')
          .belowOrEqual(now())
          .limit(BATCH_SIZE + tried.size)
          .toArray()
      ).filter((op) => !tried.has(op.id));
      if (due.length === 0) break;
      for (const op of due) tried.add(op.id);
      const { claimed, unsendable } = await claim(due, config);
      deps.onChange();
      const settlements: Settlement[] = [...unsendable];
      let next = 0;
      const workers = Array.from({ length: Math.min(concurrency, claimed.length) }, async () => {
        while (!stop && next < claimed.length) {
          const { op, suggestion, secret } = claimed[next++] as (typeof claimed)[number];
          const settlement = settlementFor(op, await request(op, suggestion, config, secret));
          settlements.push(settlement);
          if (settlement.result === 'unauthorized') stop = true;
          if (settlement.result === 'done') delivered = true;
        }
      });
      await Promise.all(workers);
      // Claimed but not sent (sync paused part-way): back to the queue, untouched.
      const settled = new Set(settlements.map((s) => s.op.id));
      for (const { op } of claimed) {
        if (!settled.has(op.id)) {
          settlements.push({
            op,
            outbox: { update: {} },
            suggestion: { syncState: 'queued' },
            result: 'retry',
          });
        }
      }
      await settleAll(settlements);
      // A 412: the endpoint's copy changed since. Keep it beside the person's, so they can
      // choose; nothing is resent with the stale If-Match.
      for (const s of settlements) {
        if (s.suggestion.syncState === 'conflict') {
          await fetchRemoteVersion(s.op.suggestionId, config, s.op);
        }
      }
      const refused = settlements.find((s) => s.result === 'unauthorized');
      if (refused) {
        await updateStatus({
          paused: 'unauthorized',
          lastError: refused.suggestion.lastError ?? null,
        });
      }
      const offline = settlements.some(
        (s) => s.result === 'retry' && s.suggestion.lastError === 'errorEndpointUnreachable',
      );
      if (offline) await updateStatus({ offline: true });
      deps.onChange();
    }
    const voice = stop ? undefined : await interactions.drain(config);
    if (voice?.unauthorized) {
      stop = true;
      await updateStatus({ paused: 'unauthorized', lastError: voice.unauthorized });
    }
    if (voice?.offline) await updateStatus({ offline: true });
    if (voice?.delivered) delivered = true;
    // A refusal too: an open card says why (a reply's way out, a vote taken back).
    if (voice?.delivered || voice?.refused) deps.onChange();
    if (delivered) await updateStatus({ lastSyncAt: now(), offline: false, lastError: null });
    const earliest = Math.min(
      (await db.outbox.orderBy('notBefore').first())?.notBefore ?? Number.POSITIVE_INFINITY,
      voice?.earliest ?? Number.POSITIVE_INFINITY,
    );
    if (Number.isFinite(earliest) && !stop) deps.wakeAt(earliest);
  }

  /** Sends what is due; concurrent calls share one run, and a call during a run adds another. */
  function drain(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await drainOnce();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  /** What the endpoint says of one suggestion: the fields we keep, and when it last changed. */
  function parseRemote(item: unknown, etag: string | null) {
    const parsed = v.safeParse(StoredSuggestionSchema, item);
    if (!parsed.success) return null;
    const editing = parsed.output.body
      .filter(isTextualBody)
      .find((body) => body.purpose === 'editing');
    return {
      fields: remoteFields(parsed.output, etag),
      modified: parsed.output.modified,
      text: editing?.value ?? '',
    };
  }
  type Remote = NonNullable<ReturnType<typeof parseRemote>>;

  /**
   * What one answer changes on the local row, or null for nothing. A new status (not the
   * first "submitted", which only acknowledges it) or a new reply from the process owner is
   * an unread update. Replies are read when the reply count moved since they were last read,
   * by a request for this one suggestion alone (so an anonymous one is never named beside
   * another).
   */
  async function answerFor(
    local: Suggestion,
    remote: Remote | 'unchanged',
    config: SyncConfig,
  ): Promise<Partial<Suggestion> | null> {
    const changes: Partial<Suggestion> = {};
    let changed = false;
    let statusNews = false;
    if (remote !== 'unchanged') {
      const { fields } = remote;
      if (
        local.remoteStatus !== fields.remoteStatus ||
        local.voteCount !== fields.voteCount ||
        local.replyCount !== fields.replyCount ||
        (fields.etag !== undefined && local.etag !== fields.etag)
      ) {
        Object.assign(changes, fields);
        changed = true;
        statusNews = local.remoteStatus !== undefined && local.remoteStatus !== fields.remoteStatus;
      }
    }
    const replyCount = changes.replyCount ?? local.replyCount ?? 0;
    let replyNews = false;
    if (local.remoteId && replyCount !== (local.repliesReadAt ?? 0)) {
      try {
        const replies = replyCount > 0 ? await fetchReplies(local.remoteId, config, fetchImpl) : [];
        const latest = replies.filter((reply) => reply.fromOwner).at(-1);
        const ownerReply: OwnerReply | undefined = latest
          ? { text: latest.text, created: latest.created }
          : undefined;
        replyNews =
          ownerReply !== undefined &&
          (ownerReply.created !== local.ownerReply?.created ||
            ownerReply.text !== local.ownerReply?.text);
        changes.ownerReply = ownerReply;
        changes.repliesReadAt = replyCount;
        changed = true;
      } catch {
        // Left for the next pull: the count still differs from the one the replies were read at.
      }
    }
    if (!changed) return null;
    if (statusNews || replyNews) {
      const unread: UnreadUpdate = { at: now() };
      if (statusNews) unread.status = true;
      if (replyNews) unread.reply = true;
      if (remote !== 'unchanged') unread.modified = remote.modified;
      changes.unread = unread;
    }
    changes.updatedAt = now();
    return changes;
  }

  /**
   * Writes what the pulls brought back, each row read again first: an update not yet seen
   * stays unread beside a newer one (both marks kept).
   */
  async function storeAnswers(answers: [string, Partial<Suggestion>][]): Promise<number> {
    if (answers.length === 0) return 0;
    return db.transaction('rw', db.suggestions, async () => {
      let stored = 0;
      for (const [id, changes] of answers) {
        const current = await db.suggestions.get(id);
        if (!current) continue;
        const { unread } = changes;
        const merged: Partial<Suggestion> =
          unread && current.unread
            ? {
                ...changes,
                unread: {
                  ...unread,
                  status: unread.status || current.unread.status || undefined,
                  reply: unread.reply || current.unread.reply || undefined,
                },
              }
            : changes;
        await db.suggestions.update(id, merged);
        stored++;
      }
      return stored;
    });
  }

  type PullResult = 'ok' | 'unauthorized' | 'stop';

  /** Named suggestions, up to 200 ids a request, following `next`. */
  async function pullBatch(batch: Suggestion[], config: SyncConfig): Promise<[PullResult, number]> {
    const byRemoteId = new Map(batch.map((s) => [s.remoteId as string, s]));
    let updated = 0;
    let url: string | undefined =
      `${config.endpointUrl}?ids=${batch.map((s) => encodeURIComponent(remoteKey(s.remoteId as string))).join(',')}`;
    let first = true;
    for (let pages = 0; url && pages < MAX_PAGES_PER_PULL; pages++) {
      const outcome = await exchange(fetchImpl, url, { method: 'GET' }, config, {
        now: now(),
        timeoutMs: deps.timeoutMs,
      });
      if (outcome.kind === 'unauthorized') {
        await updateStatus({ paused: 'unauthorized', lastError: outcome.reason });
        return ['unauthorized', updated];
      }
      if (outcome.kind === 'retry') return ['stop', updated];
      if (outcome.kind !== 'ok') return ['ok', updated];
      const collection = first ? v.safeParse(AnnotationCollectionSchema, outcome.body) : null;
      const pageResult = first ? null : v.safeParse(AnnotationPageSchema, outcome.body);
      const page = collection?.success
        ? collection.output.first
        : pageResult?.success
          ? pageResult.output
          : undefined;
      first = false;
      if (!page) return ['ok', updated];
      // Replies are read outside the transaction (a request would end it), then written at once.
      const answers: [string, Partial<Suggestion>][] = [];
      for (const item of page.items) {
        const local = byRemoteId.get(item.id);
        const remote = local && item.motivation === 'editing' ? parseRemote(item, null) : null;
        if (!local || !remote) continue;
        const changes = await answerFor(local, remote, config);
        if (changes) answers.push([local.id, changes]);
      }
      updated += await storeAnswers(answers);
      url = page.next;
    }
    return ['ok', updated];
  }

  /**
   * An anonymous suggestion alone: its own request, by its own IRI, conditional on its ETag,
   * so no request (and no access log line) ever puts it beside another suggestion.
   */
  async function pullAlone(local: Suggestion, config: SyncConfig): Promise<[PullResult, number]> {
    const outcome = await exchange(
      fetchImpl,
      annotationUrl(config.endpointUrl, local.remoteId as string),
      { method: 'GET', headers: local.etag ? { 'If-None-Match': local.etag } : {} },
      config,
      { now: now(), timeoutMs: deps.timeoutMs },
    );
    if (outcome.kind === 'unauthorized') {
      await updateStatus({ paused: 'unauthorized', lastError: outcome.reason });
      return ['unauthorized', 0];
    }
    if (outcome.kind === 'retry') return ['stop', 0];
    if (outcome.kind !== 'ok') return ['ok', 0];
    // A 304 may still leave replies unread: an edit's answer can have brought the new count.
    const remote = outcome.status === 304 ? 'unchanged' : parseRemote(outcome.body, outcome.etag);
    if (!remote) return ['ok', 0];
    const changes = await answerFor(local, remote, config);
    return ['ok', changes ? await storeAnswers([[local.id, changes]]) : 0];
  }

  /**
   * Asks the endpoint what became of this device's suggestions, by id, never by author.
   * Named ones in batches; each anonymous one alone; all in a random order, so neither the
   * requests nor their sequence tie an anonymous suggestion to anything.
   */
  async function pullStatuses(): Promise<number> {
    const config = await deps.loadConfig();
    if (!config || (await deps.status.get()).paused) return 0;
    const synced = (await db.inSyncState('synced').toArray()).filter((s) => s.remoteId);
    const named = synced.filter((s) => !s.anonymous);
    const units: (() => Promise<[PullResult, number]>)[] = [];
    for (let i = 0; i < named.length; i += IDS_PER_PULL) {
      const batch = named.slice(i, i + IDS_PER_PULL);
      units.push(() => pullBatch(batch, config));
    }
    for (const alone of synced.filter((s) => s.anonymous)) {
      units.push(() => pullAlone(alone, config));
    }
    for (let i = units.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [units[i], units[j]] = [
        units[j] as (typeof units)[number],
        units[i] as (typeof units)[number],
      ];
    }
    const startedAt = now();
    let updated = 0;
    for (const unit of units) {
      const [result, changed] = await unit();
      updated += changed;
      if (result !== 'ok') {
        if (updated > 0) deps.onChange();
        return updated;
      }
    }
    await updateStatus({ lastPullAt: startedAt });
    if (updated > 0) deps.onChange();
    return updated;
  }

  /**
   * After a 412: the endpoint's current version, kept beside the person's. Not reachable
   * now: the suggestion stays in conflict and Retry asks again.
   */
  async function fetchRemoteVersion(
    suggestionId: string,
    config: SyncConfig,
    refused?: OutboxOperation,
  ): Promise<boolean> {
    const local = await db.suggestions.get(suggestionId);
    if (!local?.remoteId || local.syncState !== 'conflict') return false;
    const outcome = await exchange(
      fetchImpl,
      annotationUrl(config.endpointUrl, local.remoteId),
      { method: 'GET' },
      config,
      { now: now(), timeoutMs: deps.timeoutMs },
    );
    if (outcome.kind === 'gone') {
      // Deleted at the endpoint meanwhile: a withdrawal is done; an edit has nothing left.
      await db.suggestions.update(
        suggestionId,
        local.withdrawn
          ? { syncState: 'synced', lastError: undefined, remoteVersion: undefined }
          : { syncState: 'failed', lastError: 'errorEndpointGone', remoteVersion: undefined },
      );
      return true;
    }
    if (outcome.kind !== 'ok') return false;
    const remote = parseRemote(outcome.body, outcome.etag);
    if (!remote) return false;
    const remoteVersion: RemoteVersion = {
      text: remote.text,
      status: remote.fields.remoteStatus,
      voteCount: remote.fields.voteCount,
      replyCount: remote.fields.replyCount,
      modified: remote.modified,
      ...(outcome.etag ? { etag: outcome.etag } : {}),
    };
    const kept = await db.transaction('rw', db.suggestions, db.outbox, async () => {
      const current = await db.suggestions.get(suggestionId);
      if (current?.syncState !== 'conflict') return false;
      const onlyCounts =
        refused?.kind === 'update' &&
        refused.attempts < MAX_QUIET_RESENDS &&
        current.sentText !== undefined &&
        remoteVersion.text === current.sentText &&
        remoteVersion.status === current.remoteStatus;
      if (onlyCounts) {
        // Colleagues supported or replied meanwhile: nothing of the person's is in question.
        await db.suggestions.update(suggestionId, {
          etag: remoteVersion.etag,
          voteCount: remoteVersion.voteCount,
          replyCount: remoteVersion.replyCount,
          syncState: 'queued',
          lastError: undefined,
        });
        await db.outbox.add({
          id: crypto.randomUUID(),
          suggestionId,
          kind: 'update',
          queuedAt: now(),
          attempts: refused.attempts + 1,
          notBefore: now(),
        });
        return true;
      }
      await db.suggestions.update(suggestionId, { remoteVersion, updatedAt: now() });
      return true;
    });
    return kept;
  }

  /**
   * The person chose after a 412. `mine`: their version replaces the endpoint's, sent with the
   * ETag of the version they saw (a newer change there meets a 412 again, and is shown again).
   * `theirs`: the local row takes the endpoint's version and nothing is sent.
   */
  async function resolveConflict(suggestionId: string, keep: 'mine' | 'theirs'): Promise<boolean> {
    const resolved = await db.transaction('rw', db.suggestions, db.outbox, async () => {
      const suggestion = await db.suggestions.get(suggestionId);
      const theirs = suggestion?.remoteVersion;
      if (suggestion?.syncState !== 'conflict' || !theirs) return false;
      await db.outbox.where('suggestionId').equals(suggestionId).delete();
      const endpoint: Partial<Suggestion> = {
        remoteStatus: theirs.status,
        voteCount: theirs.voteCount,
        replyCount: theirs.replyCount,
        etag: theirs.etag,
        remoteVersion: undefined,
        lastError: undefined,
        updatedAt: now(),
      };
      if (keep === 'theirs') {
        await db.suggestions.update(suggestionId, {
          ...endpoint,
          text: theirs.text,
          withdrawn: undefined,
          syncState: 'synced',
        });
        return true;
      }
      await db.suggestions.update(suggestionId, { ...endpoint, syncState: 'queued' });
      await db.outbox.add({
        id: crypto.randomUUID(),
        suggestionId,
        kind: suggestion.withdrawn ? 'delete' : 'update',
        queuedAt: now(),
        attempts: 0,
        notBefore: now(),
      });
      return true;
    });
    if (resolved) {
      deps.onChange();
      if (keep === 'mine') void drain();
    }
    return resolved;
  }

  /** Hand-made retry of a failed or conflicting suggestion: queued again with a fresh operation. */
  async function retry(suggestionId: string): Promise<boolean> {
    const conflicting = await db.suggestions.get(suggestionId);
    if (conflicting?.syncState === 'conflict') {
      // Never the stale If-Match again: fetch what the endpoint has, for the person to choose.
      const config = await deps.loadConfig();
      if (config && (await fetchRemoteVersion(suggestionId, config))) deps.onChange();
      return false;
    }
    const queued = await db.transaction('rw', db.suggestions, db.outbox, async () => {
      const suggestion = await db.suggestions.get(suggestionId);
      if (suggestion?.syncState !== 'failed') return false;
      await db.outbox.where('suggestionId').equals(suggestionId).delete();
      if (suggestion.withdrawn && !suggestion.remoteId) {
        // Withdrawn before it ever reached the endpoint: there is nothing left to send.
        await db.suggestions.update(suggestionId, { syncState: 'synced', lastError: undefined });
        return false;
      }
      await db.outbox.add({
        id: crypto.randomUUID(),
        suggestionId,
        // A withdrawn suggestion is retried as what it was: a delete.
        kind: suggestion.withdrawn ? 'delete' : suggestion.remoteId ? 'update' : 'create',
        queuedAt: now(),
        attempts: 0,
        notBefore: now(),
      });
      await db.suggestions.update(suggestionId, { syncState: 'queued', lastError: undefined });
      return true;
    });
    if (queued) {
      deps.onChange();
      void drain();
    }
    return queued;
  }

  /** Makes every waiting operation due now (the person asked, or the endpoint came back). */
  async function sendNow(): Promise<void> {
    await db.outbox.toCollection().modify({ notBefore: now() });
    await interactions.makeDue();
    await updateStatus({ paused: null });
    await drain();
    await pullStatuses();
  }

  return { recover, drain, pullStatuses, retry, resolveConflict, sendNow };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
