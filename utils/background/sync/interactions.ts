// Support and replies on the way to the endpoint: the outbox of interactions, drained in the
// sync engine's run (engine.ts calls `drain` after the suggestions' own outbox).
//
// - Support is `PUT`/`DELETE {id}/votes/{voterKey}` (docs/protocol.md). The voter key is
//   derived per suggestion: HMAC-SHA256(a random per-install secret, the suggestion's IRI),
//   base64url. The endpoint can count one vote per person per suggestion, but two keys of one
//   install look unrelated, and nothing in them says who.
// - A reply is a `replying` annotation POSTed with the operation's id as its Idempotency-Key.
import * as v from 'valibot';
import {
  ANNOTATION_CONTEXT,
  findUnstorable,
  IncomingReplySchema,
  VoteResultSchema,
} from '../../protocol/annotation';
import type { FlywheelDatabase, InteractionOp } from '../db';
import { NEVER } from '../db';
import { remoteKey } from './annotation';
import { backoffDelay } from './backoff';
import type { SyncConfig } from './engine';
import { exchange, type Outcome } from './http';

/** As the suggestions' outbox: this many 5xx/409 answers for one interaction end it. */
const MAX_SERVER_ERRORS = 6;
const BATCH_SIZE = 50;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The install's voter secret, made on first use (in the background's own database). */
export async function voterSecret(db: FlywheelDatabase): Promise<string> {
  return db.transaction('rw', db.secrets, async () => {
    const kept = await db.secrets.get('voterSecret');
    if (kept) return kept.value;
    const value = base64url(crypto.getRandomValues(new Uint8Array(32)));
    await db.secrets.put({ key: 'voterSecret', value });
    return value;
  });
}

/** The voter key for one suggestion: 43 characters of base64url, within the 8-128 rule. */
export async function voterKey(secret: string, suggestionIri: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(suggestionIri));
  return base64url(new Uint8Array(mac));
}

/** Where one annotation is reached: as the engine does, the token only goes to the endpoint. */
function annotationUrl(endpointUrl: string, iri: string): string {
  if (iri.startsWith(endpointUrl)) return iri;
  return `${endpointUrl}${encodeURIComponent(remoteKey(iri))}`;
}

/** The reply as it is sent: signed with the name chosen when posted, or with none. */
export function replyBody(op: InteractionOp, target: string) {
  return {
    '@context': [...ANNOTATION_CONTEXT],
    type: 'Annotation' as const,
    motivation: 'replying' as const,
    created: new Date(op.queuedAt).toISOString(),
    body: [
      {
        type: 'TextualBody' as const,
        value: op.text ?? '',
        format: 'text/plain' as const,
        purpose: 'replying' as const,
      },
    ],
    target,
    ...(op.anonymous
      ? { anonymous: true }
      : op.creatorName
        ? { creator: { type: 'Person' as const, name: op.creatorName } }
        : {}),
  };
}

/** Why an endpoint would refuse this reply for good, if it would. */
function unsendableReason(body: unknown): string | undefined {
  const unstorable = findUnstorable(body);
  if (unstorable) return `${unstorable.path} ${unstorable.message}`;
  const checked = v.safeParse(IncomingReplySchema, body);
  if (checked.success) return undefined;
  const issue = checked.issues[0];
  return issue?.message ?? 'not a valid reply';
}

export interface InteractionRun {
  /** Something reached the endpoint. */
  delivered: boolean;
  /** The endpoint refused the credentials (401): the caller pauses sync. */
  unauthorized?: string;
  offline: boolean;
  /** The endpoint refused something for good: an open card has a reason to show. */
  refused?: boolean;
  /** When the next waiting interaction is due, if any is. */
  earliest?: number;
}

export interface InteractionDeps {
  db: FlywheelDatabase;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  timeoutMs?: number;
}

type Settled =
  | { kind: 'done'; voted?: boolean; voteCount?: number }
  | { kind: 'retry'; reason: string; retryAfterMs: number | null; serverError?: boolean }
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'refused'; reason: string };

function settledFrom(outcome: Outcome, isVote: boolean): Settled {
  switch (outcome.kind) {
    case 'ok': {
      if (!isVote) return { kind: 'done' };
      const parsed = v.safeParse(VoteResultSchema, outcome.body);
      if (!parsed.success)
        return {
          kind: 'retry',
          reason: 'errorEndpointGarbage',
          retryAfterMs: null,
          serverError: true,
        };
      return { kind: 'done', voted: parsed.output.voted, voteCount: parsed.output.voteCount };
    }
    case 'retry':
      return {
        kind: 'retry',
        reason: outcome.reason,
        retryAfterMs: outcome.retryAfterMs,
        serverError: outcome.serverError,
      };
    case 'unauthorized':
      return { kind: 'unauthorized', reason: outcome.reason };
    case 'gone':
      return { kind: 'refused', reason: 'errorEndpointGone' };
    default:
      return { kind: 'refused', reason: outcome.reason };
  }
}

/** Support and replies waiting to be sent (those refused for good not counted). */
export function countWaitingInteractions(db: FlywheelDatabase): Promise<number> {
  return db.interactions.where('notBefore').below(NEVER).count();
}

export function createInteractionSender(deps: InteractionDeps) {
  const { db, now, random } = deps;

  /** The kept listing's count of one suggestion, as the endpoint just answered it. */
  async function keepCount(pageUrl: string | undefined, target: string, voteCount: number) {
    if (!pageUrl) return;
    const listing = await db.pageListings.get(pageUrl);
    if (!listing?.items.some((item) => item.remoteId === target)) return;
    await db.pageListings.put({
      ...listing,
      items: listing.items.map((item) =>
        item.remoteId === target ? { ...item, voteCount } : item,
      ),
    });
  }

  /** What one answer means for the interaction, its stance and the kept count. */
  async function settle(op: InteractionOp, settled: Settled) {
    const isVote = op.kind !== 'reply';
    await db.transaction('rw', db.interactions, db.stances, db.pageListings, async () => {
      if (settled.kind === 'retry') {
        const serverErrors = (op.serverErrors ?? 0) + (settled.serverError ? 1 : 0);
        if (serverErrors < MAX_SERVER_ERRORS) {
          const attempts = op.attempts + 1;
          const wait = Math.max(backoffDelay(attempts, random), settled.retryAfterMs ?? 0);
          // Superseded meanwhile (a newer toggle deleted it): the update finds nothing.
          await db.interactions.update(op.id, { attempts, serverErrors, notBefore: now() + wait });
          return;
        }
        settled = { kind: 'refused', reason: settled.reason };
      }
      if (settled.kind === 'unauthorized') return; // not an attempt that counts
      const target = op.target as string;
      if (!isVote) {
        if (settled.kind === 'done') await db.interactions.delete(op.id);
        else await db.interactions.update(op.id, { failed: settled.reason, notBefore: NEVER });
        return;
      }
      await db.interactions.delete(op.id);
      const stance = await db.stances.get(target);
      if (settled.kind === 'done' && settled.voted !== undefined) {
        const remoteVoted = settled.voted;
        if (settled.voteCount !== undefined) await keepCount(op.pageUrl, target, settled.voteCount);
        const supported = stance?.supported ?? remoteVoted;
        await db.stances.put({
          target,
          supported,
          remoteVoted,
          pageUrl: op.pageUrl,
          updatedAt: stance?.updatedAt ?? now(),
        });
        // The person changed their mind while this was on its way and the newer toggle saw
        // nothing to send: what they chose last is sent now.
        const pending = await db.interactions.where('target').equals(target).toArray();
        if (supported !== remoteVoted && !pending.some((p) => p.kind !== 'reply')) {
          await db.interactions.add({
            id: crypto.randomUUID(),
            kind: supported ? 'support' : 'unsupport',
            target,
            pageUrl: op.pageUrl,
            queuedAt: now(),
            attempts: 0,
            notBefore: now(),
          });
        }
        return;
      }
      // Refused for good (the suggestion was deleted, the token may not vote): the person's
      // choice goes back to what the endpoint has, so the count shown stays true, and the
      // card says why until they choose again.
      const remoteVoted = stance?.remoteVoted ?? false;
      await db.stances.put({
        target,
        pageUrl: op.pageUrl,
        updatedAt: now(),
        ...stance,
        supported: remoteVoted,
        remoteVoted,
        refused: settled.kind === 'refused' ? settled.reason : 'errorEndpointGarbage',
      });
    });
  }

  /** Freezes a reply's body (its target may only now be known); undefined: not yet sendable. */
  async function prepareReply(op: InteractionOp): Promise<InteractionOp | 'wait' | 'refused'> {
    if (op.body !== undefined && op.target) return op;
    let target = op.target;
    if (!target && op.suggestionId) {
      const own = await db.suggestions.get(op.suggestionId);
      if (!own || own.withdrawn) {
        await db.interactions.update(op.id, { failed: 'errorNoSuchSuggestion', notBefore: NEVER });
        return 'refused';
      }
      target = own.remoteId;
    }
    if (!target) return 'wait'; // the suggestion itself has not reached the endpoint yet
    const body = replyBody(op, target);
    const reason = unsendableReason(body);
    if (reason) {
      await db.interactions.update(op.id, {
        failed: `Cannot be sent: ${reason}`,
        notBefore: NEVER,
      });
      return 'refused';
    }
    const ready = { ...op, target, body };
    await db.interactions.update(op.id, { target, body });
    return ready;
  }

  async function send(op: InteractionOp, config: SyncConfig, secret: string): Promise<Outcome> {
    const options = { now: now(), timeoutMs: deps.timeoutMs };
    const target = op.target as string;
    if (op.kind === 'reply') {
      return exchange(
        deps.fetch,
        config.endpointUrl,
        { method: 'POST', body: op.body, headers: { 'Idempotency-Key': op.id } },
        config,
        options,
      );
    }
    const key = await voterKey(secret, target);
    return exchange(
      deps.fetch,
      `${annotationUrl(config.endpointUrl, target)}/votes/${key}`,
      { method: op.kind === 'support' ? 'PUT' : 'DELETE' },
      config,
      options,
    );
  }

  /** Sends what is due, one at a time; each interaction is tried at most once a run. */
  async function drain(config: SyncConfig): Promise<InteractionRun> {
    const run: InteractionRun = { delivered: false, offline: false };
    const tried = new Set<string>();
    let secret: string | undefined;
    for (;;) {
      const due = (
        await db.interactions
          .where('notBefore')
          .belowOrEqual(now())
          .limit(BATCH_SIZE + tried.size)
          .toArray()
      ).filter((op) => !tried.has(op.id));
      if (due.length === 0) break;
      for (let op of due) {
        tried.add(op.id);
        if (op.kind === 'reply') {
          const ready = await prepareReply(op);
          if (ready === 'refused') {
            run.refused = true;
            continue;
          }
          if (ready === 'wait') {
            await settle(op, { kind: 'retry', reason: 'waiting', retryAfterMs: null });
            continue;
          }
          op = ready;
        } else if (!op.target) {
          await db.interactions.delete(op.id);
          continue;
        }
        secret ??= await voterSecret(db);
        const settled = settledFrom(await send(op, config, secret), op.kind !== 'reply');
        await settle(op, settled);
        if (
          settled.kind === 'refused' ||
          (settled.kind === 'retry' &&
            settled.serverError === true &&
            (op.serverErrors ?? 0) + 1 >= MAX_SERVER_ERRORS)
        ) {
          run.refused = true;
        }
        if (settled.kind === 'unauthorized') {
          run.unauthorized = settled.reason;
          return run;
        }
        if (settled.kind === 'done') run.delivered = true;
        if (settled.kind === 'retry' && settled.reason === 'errorEndpointUnreachable') {
          run.offline = true;
        }
      }
    }
    run.earliest = (await db.interactions.where('notBefore').below(NEVER).first())?.notBefore;
    return run;
  }

  /** Everything waiting is due now (the person asked, or the network came back). */
  async function makeDue(): Promise<void> {
    await db.interactions.where('notBefore').below(NEVER).modify({ notBefore: now() });
  }

  /** How many wait to be sent (those refused for good not counted). */
  function waiting(): Promise<number> {
    return countWaitingInteractions(db);
  }

  return { drain, makeDue, waiting };
}

export type InteractionSender = ReturnType<typeof createInteractionSender>;
