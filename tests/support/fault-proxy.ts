// A loopback HTTP proxy in front of the reference endpoint that misbehaves on purpose, the way
// real networks and overloaded servers do: lost answers, duplicated requests, errors, delays.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
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

function forwardWithHost(
  target: URL,
  method: string,
  headers: Headers,
  body: Buffer,
  host: string,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      target,
      { method, headers: { ...Object.fromEntries(headers), host } },
      (incoming) => {
        readBody(incoming).then((payload) => {
          const answer = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined)
              answer.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const status = incoming.statusCode ?? 502;
          const nullBody = status === 204 || status === 304;
          resolve(
            new Response(nullBody ? null : new Uint8Array(payload), { status, headers: answer }),
          );
        }, reject);
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body.length > 0 ? body : undefined);
  });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * `preserveHost`: forward the Host header as a reverse proxy does, so the endpoint names its
 * annotations with the proxy's address and clients that follow those IRIs stay behind it.
 */
export async function startFaultProxy(
  upstreamContainerUrl: string,
  { preserveHost = false } = {},
): Promise<FaultProxy> {
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
    const target = new URL(request.url ?? '/', upstream.origin);
    if (preserveHost && request.headers.host) {
      // fetch will not send a Host of our choosing: use node:http for this one.
      return forwardWithHost(target, request.method ?? 'GET', headers, body, request.headers.host);
    }
    return fetch(target, {
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
