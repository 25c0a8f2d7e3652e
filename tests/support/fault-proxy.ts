// A loopback HTTP proxy in front of the reference endpoint that misbehaves on purpose, the way
// real networks and overloaded servers do: lost answers, duplicated requests, errors, delays.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'pass' }
  /** Answer this instead of asking the server. */
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string }
  /** Wait this long before forwarding. */
  | { kind: 'delay'; ms: number }
  /** Forward, let the server act, then cut the connection before the answer arrives. */
  | { kind: 'drop-response' }
  /** Forward the same request twice (a retrying middlebox), answer with the second. */
  | { kind: 'duplicate' }
  /** Refuse to connect at all (the endpoint is down). */
  | { kind: 'down' };

export interface FaultProxy {
  /** The proxied container URL (ends in `/`). */
  containerUrl: string;
  /** Decides the fault of each request; the default passes everything. */
  setFaults: (choose: (request: IncomingMessage, index: number) => Fault) => void;
  stats: { requests: number; forwarded: number; dropped: number; duplicated: number };
  close: () => Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(upstreamContainerUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamContainerUrl);
  let choose: (request: IncomingMessage, index: number) => Fault = () => ({ kind: 'pass' });
  const stats = { requests: 0, forwarded: 0, dropped: 0, duplicated: 0 };

  async function forward(request: IncomingMessage, body: Buffer): Promise<Response> {
    stats.forwarded++;
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || ['host', 'connection', 'content-length'].includes(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    return fetch(new URL(request.url ?? '/', upstream.origin), {
      method: request.method,
      headers,
      body: body.length > 0 ? new Uint8Array(body) : undefined,
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const fault = choose(request, stats.requests++);
    const body = await readBody(request);
    if (fault.kind === 'down') {
      request.socket.destroy();
      return;
    }
    if (fault.kind === 'respond') {
      response.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
      return;
    }
    if (fault.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (response.destroyed) return;
    let answer = await forward(request, body);
    if (fault.kind === 'duplicate') {
      stats.duplicated++;
      await answer.arrayBuffer();
      answer = await forward(request, body);
    }
    const payload = Buffer.from(await answer.arrayBuffer());
    if (fault.kind === 'drop-response') {
      stats.dropped++;
      request.socket.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (
        name !== 'content-length' &&
        name !== 'content-encoding' &&
        name !== 'transfer-encoding'
      ) {
        headers[name] = value;
      }
    });
    response.writeHead(answer.status, headers).end(payload);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    containerUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    setFaults: (next) => {
      choose = next;
    },
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
