// The reference endpoint as a Hono app: the annotation container, its auth and CORS, and the
// triage page. Started in-process by startServer (tests, demo) or by main.ts.
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { LIMITS } from '../utils/protocol/annotation';
import { CONTAINER_PATH, registerAnnotationRoutes } from './annotation-routes';
import type { AppEnv } from './app-env';
import { bearerToken, createTokenRegistry, roleAllows, type TokenSetting } from './auth';
import type { Database } from './database';
import { problemResponse } from './problem';
import { createStore } from './store';
import { registerTriageRoutes } from './triage';

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
    onError: (c) =>
      problemResponse(c, 413, 'payload-too-large', 'The request body is too large', {
        maxBytes: options.maxBodyBytes ?? LIMITS.requestBytes,
      }),
  });

  const app = new Hono<AppEnv>();

  app.onError((error, c) => {
    console.error('flywheel server error', error);
    return problemResponse(c, 500, 'internal-error', 'The server failed to handle this request');
  });
  app.notFound((c) => problemResponse(c, 404, 'not-found', 'Nothing here'));

  // CORS runs first so that even 401/413 answers are readable by the extension.
  app.use(
    '/annotations/*',
    cors({
      origin: (origin) =>
        EXTENSION_ORIGIN.test(origin) || allowedOrigins.has(origin) ? origin : null,
      allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      allowHeaders: [
        'Authorization',
        'Content-Type',
        'Idempotency-Key',
        'If-Match',
        'If-None-Match',
      ],
      exposeHeaders: ['ETag', 'Location', 'Retry-After', 'Link', 'Idempotent-Replayed'],
      maxAge: 600,
    }),
  );
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
  app.use('/annotations/*', limitBody);
  app.use('/triage/*', limitBody);

  registerAnnotationRoutes(app, { store, containerUrlOf, pageSize: options.pageSize });
  registerTriageRoutes(app, {
    store,
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
