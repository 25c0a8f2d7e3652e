// Starts the endpoint in-process: used by main.ts, the tests and the demo launcher.
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp, type Lifecycle, type TrustedProxyOptions } from './app';
import type { TokenSetting } from './auth';
import { type Database, openDatabase } from './database';
import type { LogSink } from './logging';

/** Inside the repo and git-ignored, so a demo keeps its data between runs. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../.data/pglite', import.meta.url));

export interface StartServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** PGlite data folder (default DEFAULT_DATA_DIR); ignored when databaseUrl or database is given. */
  dataDir?: string;
  /** PostgreSQL connection string; wins over dataDir. */
  databaseUrl?: string;
  /** An already open database, e.g. shared by two servers in a test; not closed by close(). */
  database?: Database;
  tokens?: readonly TokenSetting[];
  publicUrl?: string;
  allowedOrigins?: readonly string[];
  pageSize?: number;
  maxBodyBytes?: number;
  log?: LogSink;
  trustedProxy?: TrustedProxyOptions;
  /** Connections to PostgreSQL per instance (default 10). */
  poolSize?: number;
  /** How long close() lets requests in flight finish before cutting them (default 10 s). */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  /** Base URL, without a trailing slash. */
  url: string;
  /** The annotation container clients are configured with (ends in `/`). */
  containerUrl: string;
  database: Database;
  /**
   * Graceful: stops accepting connections, says "draining" on /readyz, lets requests in
   * flight finish (up to shutdownGraceMs), then closes the database it opened.
   */
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const ownsDatabase = options.database === undefined;
  const database =
    options.database ??
    (await openDatabase(
      options.databaseUrl
        ? { databaseUrl: options.databaseUrl, poolSize: options.poolSize }
        : { dataDir: options.dataDir ?? DEFAULT_DATA_DIR },
    ));
  const lifecycle: Lifecycle = { draining: false };
  const app = createApp({ ...options, database, lifecycle });
  // Requests whose answer is not yet written out; close() waits for them.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const started = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname: host }, () =>
        resolve(started),
      );
      started.once('error', reject);
      started.on('request', (_request, response: ServerResponse) => {
        inFlight++;
        response.once('close', () => {
          inFlight--;
          if (inFlight === 0) drained?.();
        });
      });
    });
  } catch (error) {
    // E.g. the port is taken: do not leave the database open behind a failed start.
    if (ownsDatabase) await database.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    containerUrl: `${options.publicUrl?.replace(/\/+$/, '') ?? url}/annotations/`,
    database,
    async close() {
      lifecycle.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const http = server as {
        closeIdleConnections?: () => void;
        closeAllConnections?: () => void;
      };
      // Idle keep-alive connections would hold close() open; busy ones finish their request.
      http.closeIdleConnections?.();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, options.shutdownGraceMs ?? 10_000).unref();
        });
      }
      http.closeAllConnections?.();
      await closed;
      if (ownsDatabase) await database.close();
    },
  };
}
