// The reference endpoint as a Hono app: the annotation container, its auth and CORS, and the
// triage page. Started in-process by startServer (tests, demo) or by main.ts.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { routePath } from 'hono/route';
import { AUTHOR_SECRET_HEADER, LIMITS, unstorableTextReason } from '../utils/protocol/annotation';
import { CONTAINER_PATH, registerAnnotationRoutes } from './annotation-routes';
import type { AppEnv } from './app-env';
import { bearerToken, createTokenRegistry, roleAllows, type TokenSetting } from './auth';
import type { Database } from './database';
import { describeError, errorsOnlyLog, type LogSink } from './logging';
import { problemResponse } from './problem';
import { createStore } from './store';
import { registerTriageRoutes } from './triage';

/** The organisation's sign-in proxy vouches for the user (off unless a secret is set). */
export interface TrustedProxyOptions {
  /** Shared between proxy and endpoint; the proxy sends it in `Flywheel-Proxy-Secret`. */
  secret: string;
  /** The header the proxy puts the signed-in user's name in (default `Flywheel-User`). */
  userHeader?: string;
}

export const PROXY_SECRET_HEADER = 'Flywheel-Proxy-Secret';
export const DEFAULT_USER_HEADER = 'Flywheel-User';

/** Shared with startServer: while draining, /readyz says so and the balancer stops sending. */
export interface Lifecycle {
  draining: boolean;
}

export interface AppOptions {
  database: Database;
  /** Bearer tokens; none means the endpoint is open to anyone who can reach it (demo). */
  tokens?: readonly TokenSetting[];
  /** Base URL clients use, when it differs from what requests arrive on (a reverse proxy). */
  publicUrl?: string;
  /** Web origins allowed by CORS besides browser-extension origins. */
  allowedOrigins?: readonly string[];
  /** Items per AnnotationPage when the client does not ask (`limit`). */
  pageSize?: number;
  /** Largest request body in bytes; above it the answer is 413. */
  maxBodyBytes?: number;
  /** Where JSON-lines access and error logs go (default: error lines to stderr only). */
  log?: LogSink;
  trustedProxy?: TrustedProxyOptions;
  lifecycle?: Lifecycle;
}

const EXTENSION_ORIGIN =
  /^(chrome-extension|moz-extension|safari-web-extension):\/\/[A-Za-z0-9._-]+$/;

export function createApp(options: AppOptions): Hono<AppEnv> {
  const tokens = createTokenRegistry(options.tokens);
  const store = createStore(options.database);
  const publicBase = options.publicUrl?.replace(/\/+$/, '');
  const containerUrlOf = (c: Context<AppEnv>) =>
    `${publicBase ?? new URL(c.req.url).origin}${CONTAINER_PATH}`;
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const limitBody = bodyLimit({
    maxSize: options.maxBodyBytes ?? LIMITS.requestBytes,
    onError: (c) => {
      // Answered before the body is read: the connection is closed behind the answer, so a
      // client must not send its next request on it.
      c.header('Connection', 'close');
      return problemResponse(c, 413, 'payload-too-large', 'The request body is too large', {
        maxBytes: options.maxBodyBytes ?? LIMITS.requestBytes,
      });
    },
  });

  const log = options.log ?? errorsOnlyLog;
  const lifecycle = options.lifecycle ?? { draining: false };
  const app = new Hono<AppEnv>();

  // The route's pattern, never the path itself: paths hold annotation ids.
  const routeOf = (c: Context<AppEnv>) => {
    const pattern = routePath(c, -1);
    return pattern && pattern !== '*' && !pattern.endsWith('/*') ? pattern : 'unmatched';
  };

  app.onError((error, c) => {
    log({
      level: 'error',
      msg: 'request failed',
      requestId: c.get('requestId'),
      method: c.req.method,
      route: routeOf(c),
      ...describeError(error),
    });
    return problemResponse(c, 500, 'internal-error', 'The server failed to handle this request');
  });
  app.notFound((c) => problemResponse(c, 404, 'not-found', 'Nothing here'));

  app.use('*', async (c, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    c.set('requestId', requestId);
    // Before the handler: a header set on a finished response makes Hono rebuild it, and a
    // ready text body becomes a stream on the way (see the CORS note below).
    c.header('Request-Id', requestId);
    await next();
    log({
      level: 'info',
      msg: 'request',
      requestId,
      method: c.req.method,
      route: routeOf(c),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }));
  app.get('/readyz', async (c) => {
    const headers = { 'Cache-Control': 'no-store' };
    if (lifecycle.draining) return c.json({ status: 'draining' }, 503, headers);
    try {
      await withTimeout(options.database.query('SELECT 1'), 2_000);
      return c.json({ status: 'ready', database: options.database.kind }, 200, headers);
    } catch (error) {
      log({ level: 'error', msg: 'database not reachable', ...describeError(error) });
      return c.json({ status: 'database unreachable' }, 503, headers);
    }
  });

  // CORS runs first so that even 401/413 answers are readable by the extension. Preflights
  // are hono/cors's. Other requests get their CORS headers before the handler runs, so that
  // they are part of the response the handler builds: hono/cors would set them on the
  // response before and after the handler, and Hono rebuilds a finished response to change
  // its headers, turning a ready body (a 60 KB listing) into a stream to copy through.
  const corsOrigin = (origin: string) =>
    EXTENSION_ORIGIN.test(origin) || allowedOrigins.has(origin) ? origin : null;
  const exposeHeaders = ['ETag', 'Location', 'Retry-After', 'Link', 'Idempotent-Replayed'];
  app.on(
    'OPTIONS',
    '/annotations/*',
    cors({
      origin: corsOrigin,
      allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      allowHeaders: [
        'Authorization',
        'Content-Type',
        'Idempotency-Key',
        'If-Match',
        'If-None-Match',
        AUTHOR_SECRET_HEADER,
      ],
      exposeHeaders,
      maxAge: 600,
    }),
  );
  app.use('/annotations/*', async (c, next) => {
    const origin = corsOrigin(c.req.header('origin') ?? '');
    if (origin) c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', exposeHeaders.join(','));
    c.header('Vary', 'Origin');
    await next();
  });
  app.use('/annotations/*', async (c, next) => {
    if (!tokens.required) return next();
    const token = bearerToken(c.req.header('authorization'));
    const role = token ? tokens.roleOf(token) : undefined;
    if (!role) {
      c.header('WWW-Authenticate', 'Bearer realm="flywheel"');
      return problemResponse(c, 401, 'unauthorized', 'Send a valid bearer token');
    }
    const needed = c.req.method === 'GET' || c.req.method === 'HEAD' ? 'read' : 'write';
    if (!roleAllows(role, needed)) {
      return problemResponse(c, 403, 'forbidden', `This token may not ${c.req.method}`, { role });
    }
    c.set('role', role);
    return next();
  });
  if (options.trustedProxy) app.use('/annotations/*', trustedProxyIdentity(options.trustedProxy));
  // Only where a body is read: asking a GET for its body makes Hono's Node adapter build a
  // whole web Request (with an AbortSignal) for every page view and status poll.
  const limitBodyOfWrites = (c: Context<AppEnv>, next: () => Promise<void>) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next);
  app.use('/annotations/*', limitBodyOfWrites);
  app.use('/triage/*', limitBodyOfWrites);

  registerAnnotationRoutes(app, {
    store,
    containerUrlOf,
    pageSize: options.pageSize,
    verifiedIdentity: options.trustedProxy !== undefined,
  });
  registerTriageRoutes(app, {
    store,
    database: options.database,
    tokens,
    containerUrlOf,
    trustedOrigins: publicBase ? [new URL(publicBase).origin] : [],
  });

  app.get('/', (c) =>
    c.json({
      name: 'Flywheel reference endpoint',
      container: containerUrlOf(c),
      triage: '/triage',
    }),
  );

  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Takes the user's name from the proxy's header only when the request also carries the
 * shared secret; otherwise the name is ignored (a client cannot claim to be someone).
 */
function trustedProxyIdentity(settings: TrustedProxyOptions) {
  if (settings.secret.length < 16)
    throw new Error('the trusted proxy secret must be at least 16 characters');
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(settings.secret);
  const userHeader = settings.userHeader ?? DEFAULT_USER_HEADER;
  return async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const given = c.req.header(PROXY_SECRET_HEADER);
    const user = c.req.header(userHeader)?.trim();
    if (
      given !== undefined &&
      timingSafeEqual(digest(given), expected) &&
      user &&
      user.length <= LIMITS.creatorName &&
      unstorableTextReason(user) === undefined
    ) {
      c.set('verifiedUser', user);
    }
    await next();
  };
}
