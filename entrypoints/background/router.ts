import * as v from 'valibot';
import type { Browser } from 'wxt/browser';
import {
  type Message,
  type RequestData,
  type RequestType,
  type ResponseData,
  requestSchemas,
  type SenderKind,
} from '@/utils/shared/messaging';
import { normalizePageUrl } from '@/utils/shared/pages';

export interface RequestContext {
  sender: Browser.runtime.MessageSender;
  /** The tab the request came from (content script or framed editor). */
  tabId?: number;
}

/** Errors carry a locale key as their message, so every context can show it translated. */
export class RequestError extends Error {}

export function requireTab(context: RequestContext): number {
  if (context.tabId === undefined) throw new RequestError('errorForbiddenSender');
  return context.tabId;
}

/** The tab and page of a content script's request, from its trusted sender, never its data. */
export function senderPage(context: RequestContext): { tabId: number; pageUrl: string } {
  const tabId = requireTab(context);
  const pageUrl = normalizePageUrl(context.sender.url ?? context.sender.tab?.url);
  if (!pageUrl) throw new RequestError('errorUnsupportedPage');
  return { tabId, pageUrl };
}

export type Handlers = {
  [K in RequestType]: (data: RequestData<K>, context: RequestContext) => Promise<ResponseData[K]>;
};

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
  if (url.startsWith(self.origin)) {
    const path = url.slice(self.origin.length).split(/[?#]/)[0];
    if (path === 'editor.html') return sender.tab?.id !== undefined ? 'editor' : null;
    return 'extension';
  }
  // A content script: runs in a page of a tab; Flywheel's only runs in top frames.
  if (sender.tab?.id !== undefined && (sender.frameId ?? 0) === 0) return 'page';
  return null;
}

/**
 * Builds the runtime.onMessage listener: a request is handled only if its type is known, its
 * sender is the context allowed to send it and its data passes the schema.
 */
export function createRouter(handlers: Partial<Handlers>, self: ExtensionIdentity) {
  return (
    message: unknown,
    sender: Browser.runtime.MessageSender,
  ): Promise<unknown> | undefined => {
    if (typeof message !== 'object' || message === null || !('type' in message)) return undefined;
    const { type, data } = message as Message;
    if (!Object.hasOwn(requestSchemas, type)) return undefined;
    const spec = requestSchemas[type];
    const kind = classifySender(sender, self);
    if (kind !== spec.from) return Promise.reject(new Error('errorForbiddenSender'));
    const parsed = v.safeParse(spec.schema, data);
    if (!parsed.success) return Promise.reject(new Error('errorInvalidRequest'));
    const handler = handlers[type] as (data: unknown, context: RequestContext) => Promise<unknown>;
    return handler(parsed.output, { sender, tabId: sender.tab?.id });
  };
}
