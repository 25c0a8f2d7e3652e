import { createServer } from 'node:net';

/** Whether a port on loopback can be listened on now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** The first free port from `start` on, trying `count` ports; null if none is. */
export async function firstFreePort(start: number, count = 20): Promise<number | null> {
  for (let port = start; port < start + count && port <= 65535; port++) {
    if (await isPortFree(port)) return port;
  }
  return null;
}
