// Starts real endpoints over HTTP on loopback, on PGlite or PostgreSQL, for one test file.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type RunningServer, startServer } from '../../../server/start-server';
import {
  ANNOTATION_CONTEXT,
  ANNOTATION_MEDIA_TYPE,
  AUTHOR_SECRET_HEADER,
} from '../../../utils/protocol/annotation';
import { startTestPostgres } from './postgres-cluster';

export const DATABASE_KINDS = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export const TOKENS = {
  read: 'reader-token-for-tests',
  write: 'writer-token-for-tests',
  owner: 'owner-token-for-tests',
} as const;

export interface TestEndpoint {
  /** Requires tokens (TOKENS). */
  server: RunningServer;
  /** Same database, no tokens configured (demo mode). */
  openServer: RunningServer;
  stop(): Promise<void>;
}

export async function startTestEndpoint(kind: DatabaseKind): Promise<TestEndpoint> {
  const tokens = [
    { token: TOKENS.read, role: 'read' as const },
    { token: TOKENS.write, role: 'write' as const },
    { token: TOKENS.owner, role: 'owner' as const },
  ];
  if (kind === 'pglite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'flywheel-pglite-'));
    const server = await startServer({ port: 0, dataDir, tokens });
    const openServer = await startServer({ port: 0, database: server.database });
    return {
      server,
      openServer,
      async stop() {
        await openServer.close();
        await server.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const postgres = await startTestPostgres();
  try {
    // Two servers on one database also exercises running the migrations twice.
    const [server, openServer] = await Promise.all([
      startServer({ port: 0, databaseUrl: postgres.databaseUrl, tokens }),
      startServer({ port: 0, databaseUrl: postgres.databaseUrl }),
    ]);
    return {
      server,
      openServer,
      async stop() {
        await Promise.all([openServer.close(), server.close()]);
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

/**
 * Starts one endpoint per database for the calling test file, both at once (PGlite takes
 * seconds to open), and stops them after the file. Returns a getter for each database.
 */
export function useTestEndpoints(): (kind: DatabaseKind) => Promise<TestEndpoint> {
  let starting: Map<DatabaseKind, Promise<TestEndpoint>> | undefined;
  beforeAll(() => {
    starting = new Map(DATABASE_KINDS.map((kind) => [kind, startTestEndpoint(kind)]));
    // A failed start is reported by the tests that await it, not as an unhandled rejection.
    for (const started of starting.values()) started.catch(() => {});
  });
  afterAll(async () => {
    await Promise.all(
      [...(starting?.values() ?? [])].map((started) =>
        started.then(
          (endpoint) => endpoint.stop(),
          () => {},
        ),
      ),
    );
  }, 30_000);
  return (kind) => {
    const started = starting?.get(kind);
    if (!started) throw new Error('useTestEndpoints: endpoints are started in beforeAll');
    return started;
  };
}

/** A page URL no other test uses, so tests can share one database. */
export function uniquePage(): string {
  return `https://intranet.example/process/${randomUUID()}`;
}

export function suggestion(page: string, text = 'Merge steps 3 and 4', extra = {}) {
  return {
    '@context': [...ANNOTATION_CONTEXT],
    type: 'Annotation',
    motivation: 'editing',
    created: '2026-11-30T09:00:00.000Z',
    body: [
      { type: 'TextualBody', value: text, format: 'text/plain', purpose: 'editing' },
      { type: 'TextualBody', value: 'procurement', purpose: 'tagging' },
    ],
    target: {
      source: page,
      selector: [
        { type: 'TextQuoteSelector', exact: 'Manager signs form', prefix: '3. ', suffix: ' 4.' },
        { type: 'TextPositionSelector', start: 412, end: 430 },
        { type: 'CssSelector', value: 'main ol > li:nth-child(3)' },
      ],
    },
    category: 'process',
    anonymous: true,
    ...extra,
  };
}

export function reply(targetId: string, text = 'Thanks, we will look at it') {
  return {
    '@context': [...ANNOTATION_CONTEXT],
    type: 'Annotation',
    motivation: 'replying',
    body: [{ type: 'TextualBody', value: text, format: 'text/plain' }],
    target: targetId,
  };
}

interface RequestOptions {
  method?: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as the author secret (Flywheel-Author-Secret). */
  secret?: string;
}

/**
 * The author secret a test's browser would hold for this idempotency key: derived from it, so
 * a replay of the same create carries the same secret, as a real resend does.
 */
export function secretFor(idempotencyKey: string): string {
  return createHash('sha256').update(`author:${idempotencyKey}`).digest('base64url');
}

/** fetch against the endpoint with the writer token and JSON-LD defaults. */
export async function call(url: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.secret !== undefined) headers[AUTHOR_SECRET_HEADER] = options.secret;
  const token = options.token === undefined ? TOKENS.write : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= ANNOTATION_MEDIA_TYPE;
  }
  return fetch(url, { method: options.method ?? 'GET', headers, body, redirect: 'manual' });
}

export async function create(
  containerUrl: string,
  annotation: unknown,
  idempotencyKey: string = randomUUID(),
  options: { token?: string | null; secret?: string | null } = {},
): Promise<{ response: Response; body: Record<string, unknown> & { id: string }; secret: string }> {
  const secret = options.secret === undefined ? secretFor(idempotencyKey) : options.secret;
  const response = await call(containerUrl, {
    method: 'POST',
    body: annotation,
    headers: { 'Idempotency-Key': idempotencyKey },
    token: options.token,
    secret: secret ?? undefined,
  });
  const body = (await response.json()) as Record<string, unknown> & { id: string };
  return { response, body, secret: secret ?? '' };
}
