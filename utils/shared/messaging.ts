// The whole protocol between Flywheel's contexts, typed both ways and validated on arrival.
//
//   page (content script) ──► background : PageRequests
//   editor frame          ──► background : EditorRequests
//   popup, options        ──► background : ExtensionRequests
//   background            ──► page       : PageCommands
//
// The background is the one writer of the database; everything else asks it by message.
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import type { PageLabelTemplates } from './page-labels';
import {
  CATEGORIES,
  MAX_DRAFT_LENGTH,
  MAX_PAGE_SUGGESTIONS,
  MAX_QUOTE_LENGTH,
  MAX_TITLE_LENGTH,
  type Suggestion,
} from './suggestion';
import type { AuthMode, SyncStatus } from './sync-status';

const selectorSchema = v.variant('type', [
  v.object({
    type: v.literal('TextQuoteSelector'),
    exact: v.pipe(v.string(), v.maxLength(MAX_QUOTE_LENGTH)),
    prefix: v.optional(v.pipe(v.string(), v.maxLength(64))),
    suffix: v.optional(v.pipe(v.string(), v.maxLength(64))),
  }),
  v.object({
    type: v.literal('TextPositionSelector'),
    start: v.pipe(v.number(), v.integer(), v.minValue(0)),
    end: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  v.object({ type: v.literal('CssSelector'), value: v.pipe(v.string(), v.maxLength(2_000)) }),
  v.object({ type: v.literal('XPathSelector'), value: v.pipe(v.string(), v.maxLength(2_000)) }),
]);

const draftFields = {
  draftId: v.pipe(v.string(), v.uuid()),
  text: v.pipe(v.string(), v.maxLength(MAX_DRAFT_LENGTH)),
  category: v.picklist(CATEGORIES),
  anonymous: v.boolean(),
};

/** Who may send a request: the page's content script, the editor frame, or popup/options. */
export type SenderKind = 'page' | 'editor' | 'extension';

export const requestSchemas = {
  /** The person opened the widget on a page; the selection (if any) becomes the quote. */
  openEditor: {
    from: 'page',
    schema: v.object({
      title: v.pipe(v.string(), v.maxLength(MAX_TITLE_LENGTH * 4)),
      quote: v.pipe(v.string(), v.maxLength(MAX_QUOTE_LENGTH)),
      selectors: v.pipe(v.array(selectorSchema), v.maxLength(8)),
    }),
  },
  /** The page UI's text (see utils/page-labels.ts). */
  getPageLabels: { from: 'page', schema: v.object({}) },
  /** The editor frame asks what it is editing (the page is known from its tab, not from it). */
  loadEditor: { from: 'editor', schema: v.object({}) },
  saveDraft: { from: 'editor', schema: v.object(draftFields) },
  submitSuggestion: { from: 'editor', schema: v.object(draftFields) },
  closeEditor: { from: 'editor', schema: v.object({}) },
  listSuggestions: {
    from: 'extension',
    schema: v.object({
      offset: v.pipe(v.number(), v.integer(), v.minValue(0)),
      limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)),
    }),
  },
  // Highlights of the page's suggestions: the page is the sender's tab, never a field of the data.
  listPageSuggestions: { from: 'page', schema: v.object({}) },
  /** Which of the page's suggestions the content script could not find on it. */
  reportAnchoring: {
    from: 'page',
    schema: v.object({
      orphans: v.pipe(v.array(v.pipe(v.string(), v.uuid())), v.maxLength(MAX_PAGE_SUGGESTIONS)),
    }),
  },
  /** The person clicked a highlight: open that suggestion in the widget. */
  openSuggestion: { from: 'page', schema: v.object({ id: v.pipe(v.string(), v.uuid()) }) },
  /** The popup asks which suggestions were not found on the page its tab shows. */
  listPageOrphans: {
    from: 'extension',
    schema: v.object({
      tabId: v.pipe(v.number(), v.integer(), v.minValue(0)),
      pageUrl: v.pipe(v.string(), v.maxLength(8_192)),
    }),
  },
  // Sync and settings: popup and options page.
  getSyncOverview: { from: 'extension', schema: v.object({}) },
  syncNow: { from: 'extension', schema: v.object({}) },
  /** The popup opened: bring statuses back if the last look is more than a minute old. */
  refreshStatuses: { from: 'extension', schema: v.object({}) },
  retrySuggestion: { from: 'extension', schema: v.object({ id: v.pipe(v.string(), v.uuid()) }) },
  getSettings: { from: 'extension', schema: v.object({}) },
  saveSettings: {
    from: 'extension',
    schema: v.object({
      endpointUrl: v.pipe(v.string(), v.maxLength(2_048)),
      authMode: v.picklist(['token', 'session']),
      displayName: v.pipe(v.string(), v.maxLength(200)),
      /** Absent: keep the stored token; empty: remove it. */
      token: v.optional(v.pipe(v.string(), v.maxLength(4_096))),
    }),
  },
  testConnection: {
    from: 'extension',
    schema: v.object({
      endpointUrl: v.pipe(v.string(), v.maxLength(2_048)),
      authMode: v.picklist(['token', 'session']),
      token: v.optional(v.pipe(v.string(), v.maxLength(4_096))),
    }),
  },
  // Sites where the launcher shows: options page.
  getSites: { from: 'extension', schema: v.object({}) },
  addSite: {
    from: 'extension',
    schema: v.object({ pattern: v.pipe(v.string(), v.maxLength(300)) }),
  },
  removeSite: {
    from: 'extension',
    schema: v.object({ pattern: v.pipe(v.string(), v.maxLength(300)) }),
  },
} as const satisfies Record<string, { from: SenderKind; schema: v.GenericSchema }>;

/** The requests the sync side of the background answers. */
export type SyncRequestType =
  | 'getSyncOverview'
  | 'syncNow'
  | 'refreshStatuses'
  | 'retrySuggestion'
  | 'getSettings'
  | 'saveSettings'
  | 'testConnection';

/** The requests about sites where the launcher shows. */
export type SiteRequestType = 'getSites' | 'addSite' | 'removeSite';

/** The requests about highlighting a page's suggestions on it. */
export type PageSuggestionRequestType =
  | 'listPageSuggestions'
  | 'reportAnchoring'
  | 'openSuggestion'
  | 'listPageOrphans';

export type RequestType = keyof typeof requestSchemas;
export type RequestData<K extends RequestType> = v.InferOutput<
  (typeof requestSchemas)[K]['schema']
>;

/** What the content script needs to highlight a suggestion: nothing it does not show. */
export type PageSuggestion = Pick<
  Suggestion,
  'id' | 'text' | 'quote' | 'selectors' | 'syncState' | 'remoteStatus'
>;

export interface EditorState {
  draftId: string;
  pageUrl: string;
  pageTitle: string;
  quote: string;
  text: string;
  category: Suggestion['category'];
  anonymous: boolean;
  /** A suggestion opened from its highlight may be submitted already: shown, not edited. */
  syncState: Suggestion['syncState'];
  remoteStatus?: Suggestion['remoteStatus'];
}

export interface ResponseData {
  openEditor: { draftId: string };
  getPageLabels: PageLabelTemplates;
  loadEditor: EditorState;
  saveDraft: { savedAt: number };
  submitSuggestion: { id: string };
  closeEditor: { closed: boolean };
  listSuggestions: { items: Suggestion[]; total: number };
  listPageSuggestions: { items: PageSuggestion[] };
  reportAnchoring: { stored: boolean };
  openSuggestion: { draftId: string };
  listPageOrphans: { items: Suggestion[] };
  getSyncOverview: SyncOverview;
  syncNow: { pending: number };
  refreshStatuses: { updated: number };
  retrySuggestion: { queued: boolean };
  getSettings: SettingsView;
  saveSettings: { endpointUrl: string };
  testConnection: ConnectionReport;
  getSites: { sites: SiteEntry[] };
  addSite: { sites: SiteEntry[] };
  removeSite: { sites: SiteEntry[] };
}

export interface SiteEntry {
  /** A match pattern for a whole site, e.g. `https://intranet.example/*`. */
  pattern: string;
  source: 'build' | 'policy' | 'person';
  /** The browser has granted Flywheel this site, so the launcher shows there. */
  allowed: boolean;
}

export interface SyncOverview {
  /** Empty when Flywheel works on this device only. */
  endpointUrl: string;
  status: SyncStatus;
  /** Suggestions submitted and not yet at the endpoint. */
  pending: number;
}

export interface SettingsView {
  endpointUrl: string;
  authMode: AuthMode;
  displayName: string;
  /** The token itself never leaves the background. */
  hasToken: boolean;
  /** The endpoint is set by the organisation's policy and cannot be changed here. */
  endpointFromPolicy: boolean;
}

export interface ConnectionReport {
  ok: boolean;
  /** A locale key saying what was found. */
  result:
    | 'connectionOk'
    | 'connectionUnauthorized'
    | 'connectionUnreachable'
    | 'connectionTimeout'
    | 'connectionNotAnEndpoint'
    | 'connectionHttpError';
  /** The endpoint's own words or numbers, shown as text. */
  detail: string;
}

export interface Message<K extends RequestType = RequestType> {
  type: K;
  data: RequestData<K>;
}

export function sendMessage<K extends RequestType>(
  type: K,
  data: RequestData<K>,
): Promise<ResponseData[K]> {
  return browser.runtime.sendMessage({ type, data } satisfies Message<K>);
}

/** Commands the background sends to the content script of a tab. */
export interface PageCommands {
  showEditor: Record<string, never>;
  closeEditor: Record<string, never>;
}

export interface PageCommand<K extends keyof PageCommands = keyof PageCommands> {
  command: K;
  data: PageCommands[K];
}

export function isPageCommand(message: unknown): message is PageCommand {
  if (typeof message !== 'object' || message === null) return false;
  const command = (message as { command?: unknown }).command;
  return command === 'showEditor' || command === 'closeEditor';
}
