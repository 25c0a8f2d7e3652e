import * as v from 'valibot';
import type { Browser } from 'wxt/browser';
import {
  type Message,
  type RequestData,
  type RequestType,
  type Responses,
  requests,
  type SenderKind,
} from '@/utils/shared/messaging';
import { normalizePageUrl } from '@/utils/shared/pages';

export interface RequestContext {
  sender: Browser.runtime.MessageSender;
  /** Which of Flywheel's contexts sent it (checked by the router). */
  kind: SenderKind;
  /** The tab the request came from (content script or framed editor). */
  tabId?: number;
}

/** Errors carry a locale key as their message, so every context can show it translated. */
export class RequestError extends Error {}

export function requireTab(context: RequestContext): number {
  if (context.tabId === undefined) throw new RequestError('errorForbiddenSender');
  return context.tabId;
}

/**
 * The tab and page of a content script's request. The page's address comes from the content
 * script (it follows in-page routes, which the sender's URL may not), but only within the
 * origin of the document that really sent it: a page cannot file a suggestion elsewhere.
 */
export function senderPage(
  context: RequestContext,
  claimedUrl: string,
): { tabId: number; pageUrl: string } {
  const tabId = requireTab(context);
  const senderUrl = normalizePageUrl(context.sender.url ?? context.sender.tab?.url);
  const pageUrl = normalizePageUrl(claimedUrl);
  if (!senderUrl || !pageUrl) throw new RequestError('errorUnsupportedPage');
  if (new URL(pageUrl).origin !== new URL(senderUrl).origin) {
    throw new RequestError('errorForbiddenSender');
  }
  return { tabId, pageUrl };
}

export type Handler<K extends RequestType> = (
  data: RequestData<K>,
  context: RequestContext,
) => Promise<Responses[K]>;

export type Handlers = { [K in RequestType]: Handler<K> };

export interface ExtensionIdentity {
  id: string;
  /** e.g. `chrome-extension://<id>/` */
  origin: string;
}

/** Tells which of Flywheel's contexts sent a message, or null for anything else. */
export function classifySender(
  sender: Browser.runtime.MessageSender,
  self: ExtensionIdentity,
): SenderKind | null {
  if (sender.id !== self.id) return null;
  const url = sender.url ?? '';
  const own = new URL(self.origin);
  let from: URL | null = null;
  try {
    from = new URL(url);
  } catch {
    from = null;
  }
  if (from && from.protocol === own.protocol) {
    // Framed into a tab (in Chromium through its per-session dynamic address); whether it was
    // Flywheel that framed it is for its capability to say.
    if (from.pathname === '/editor.html') return sender.tab?.id !== undefined ? 'editor' : null;
    return from.host === own.host ? 'extension' : null;
  }
  // A content script: runs in a page of a tab; Flywheel's only runs in top frames.
  if (sender.tab?.id !== undefined && (sender.frameId ?? 0) === 0) return 'page';
  return null;
}

function allowed(from: SenderKind | readonly SenderKind[], kind: SenderKind | null): boolean {
  if (kind === null) return false;
  return typeof from === 'string' ? from === kind : from.includes(kind);
}

/**
 * Builds the runtime.onMessage listener: a request is handled only if its type is known, its
 * sender is a context allowed to send it and its data passes the schema.
 */
export function createRouter(
  handlers: Partial<Handlers>,
  self: ExtensionIdentity,
  onFailure?: (type: RequestType, kind: SenderKind, error: unknown) => void,
) {
  return (
    message: unknown,
    sender: Browser.runtime.MessageSender,
  ): Promise<unknown> | undefined => {
    if (typeof message !== 'object' || message === null || !('type' in message)) return undefined;
    const { type, data } = message as Message;
    if (typeof type !== 'string' || !Object.hasOwn(requests, type)) return undefined;
    const spec = requests[type];
    const kind = classifySender(sender, self);
    if (kind === null || !allowed(spec.from, kind)) {
      return Promise.reject(new Error('errorForbiddenSender'));
    }
    const parsed = v.safeParse(spec.schema, data);
    if (!parsed.success) return Promise.reject(new Error('errorInvalidRequest'));
    const handler = handlers[type] as
      | ((data: unknown, context: RequestContext) => Promise<unknown>)
      | undefined;
    if (!handler) return Promise.reject(new Error('errorInvalidRequest'));
    return handler(parsed.output, { sender, kind, tabId: sender.tab?.id }).catch(
      (error: unknown) => {
        // A refusal the person is told about is not a fault; anything else is logged.
        if (!(error instanceof RequestError)) onFailure?.(type, kind, error);
        throw error;
      },
    );
  };
}

/**
 * The handlers of one capability, each typed by the protocol (its data, its answer), whatever
 * parameters the implementation spells out.
 */
export function defineHandlers<T extends Partial<Handlers>>(
  handlers: T,
): { [K in keyof T & RequestType]: Handlers[K] } {
  return handlers as unknown as { [K in keyof T & RequestType]: Handlers[K] };
}
