// A loopback proxy in front of the reference endpoint for the voice-loop benchmark: it records
// every page listing request (`GET ?target=<page>`) with its If-None-Match and the status the
// endpoint answered, and can hold those answers back for a while (a slow endpoint).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListingRequest {
  /** The `target` query parameter: the page the listing is for. */
  target: string;
  ifNoneMatch: boolean;
  /** The endpoint's status; 0 until the answer is written out. */
  status: number;
  /** Wall-clock ms (`performance.timeOrigin + performance.now()`) when it arrived. */
  receivedAt: number;
  /** Wall-clock ms when the answer was written out (after any delay); NaN until then. */
  answeredAt: number;
}

export interface ListingProxy {
  /** The proxied container URL (ends in `/`). */
  containerUrl: string;
  /** Page listing requests seen so far, oldest first. */
  listings: ListingRequest[];
  /** How long the next listing answers are held back (0: none). */
  setListingDelay: (ms: number) => void;
  close: () => Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A page URL as `target` (not an annotation id: replies are listed with those). */
function pageTarget(request: IncomingMessage, container: URL): string | undefined {
  if (request.method !== 'GET') return undefined;
  const url = new URL(request.url ?? '/', 'http://proxy');
  const target = url.searchParams.get('target');
  if (!target || target.startsWith(container.origin)) return undefined;
  return target;
}

export async function startListingProxy(upstreamContainerUrl: string): Promise<ListingProxy> {
  const upstream = new URL(upstreamContainerUrl);
  const listings: ListingRequest[] = [];
  let delayMs = 0;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const receivedAt = now();
    const target = pageTarget(request, upstream);
    const delay = target ? delayMs : 0;
    // Recorded as it arrives, so a view sees a request whose answer is still held back.
    const seen: ListingRequest | undefined = target
      ? {
          target,
          ifNoneMatch: request.headers['if-none-match'] !== undefined,
          status: 0,
          receivedAt,
          answeredAt: Number.NaN,
        }
      : undefined;
    if (seen) listings.push(seen);
    const body = await readBody(request);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || ['host', 'connection', 'content-length'].includes(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const answer = await fetch(new URL(request.url ?? '/', upstream.origin), {
      method: request.method,
      headers,
      body: body.length > 0 ? new Uint8Array(body) : undefined,
    });
    const payload = Buffer.from(await answer.arrayBuffer());
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding'].includes(name)) {
        out[name] = value;
      }
    });
    if (response.destroyed) return;
    response.writeHead(answer.status, out).end(payload);
    if (seen) {
      seen.status = answer.status;
      seen.answeredAt = now();
    }
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
    listings,
    setListingDelay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
