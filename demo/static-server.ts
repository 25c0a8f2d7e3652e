import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticServer {
  port: number;
  /** The configured site (`127.0.0.1`). */
  url: (path: string) => string;
  /** The same pages on a host the extension is not configured for. */
  otherSiteUrl: (path: string) => string;
  close: () => Promise<void>;
}

/** Serves folders on loopback; `mounts` maps a URL prefix to a folder. */
export async function startStaticServer(
  mounts: Record<string, string>,
  port = 0,
): Promise<StaticServer> {
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const mount = Object.keys(mounts)
      .sort((a, b) => b.length - a.length)
      .find((prefix) => path.startsWith(prefix));
    if (!mount) return void response.writeHead(404).end('Not found');
    let file = normalize(join(mounts[mount] as string, path.slice(mount.length)));
    if (!file.startsWith(normalize(mounts[mount] as string))) {
      return void response.writeHead(403).end();
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      await stat(file);
    } catch {
      return void response.writeHead(404).end('Not found');
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    // E.g. the port is taken: the caller says so, instead of an unhandled 'error' event.
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: (path) => `http://127.0.0.1:${actualPort}${path}`,
    otherSiteUrl: (path) => `http://localhost:${actualPort}${path}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
