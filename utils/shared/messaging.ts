// The whole protocol between Flywheel's contexts, in one map per direction, typed both ways
// and validated on arrival:
//
//   page (content script), editor frame, popup/options ──► background : `requests`
//   background ──► popup, options (broadcast)                         : `events`
//   background, popup ──► the content script of one tab               : `pageCommands`
//
// Adding a request is one entry in `requests` (who may send it, its schema), its answer in
// `Responses`, and its handler in the background (the router's type demands one).
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { SelectorSchema } from '../protocol/selectors';
import { LIMITS } from '../protocol/vocabulary';
import type { PageLabelTemplates } from './page-labels';
import { MAX_MASKS, type PageContext, type ScreenshotDraft } from './screenshot';
import {
  CATEGORIES,
  type Category,
  MAX_DRAFT_LENGTH,
  MAX_PAGE_SUGGESTIONS,
  MAX_TITLE_LENGTH,
  type OwnerReply,
  type RemoteStatus,
  type Suggestion,
  type UnreadUpdate,
} from './suggestion';
import type { AuthMode, SyncStatus } from './sync-status';

/** Who may send a request: the page's content script, the editor frame, or popup/options. */
export type SenderKind = 'page' | 'editor' | 'extension';

const uuid = v.pipe(v.string(), v.uuid());
/**
 * The one-time capability the background issues when it opens an editor frame for a tab and
 * page; the frame must show it with every request. A page that frames the editor itself has
 * none.
 */
const capability = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,64}$/));
const tabId = v.pipe(v.number(), v.integer(), v.minValue(0));
const endpointUrl = v.pipe(v.string(), v.maxLength(LIMITS.url));
const token = v.pipe(v.string(), v.maxLength(4_096));

/** A rectangle in a screenshot's pixels (a part to black out). */
const pixelRect = v.object({
  x: v.pipe(v.number(), v.integer(), v.minValue(-100_000), v.maxValue(100_000)),
  y: v.pipe(v.number(), v.integer(), v.minValue(-100_000), v.maxValue(100_000)),
  width: v.pipe(v.number(), v.integer(), v.minValue(-100_000), v.maxValue(100_000)),
  height: v.pipe(v.number(), v.integer(), v.minValue(-100_000), v.maxValue(100_000)),
});

const draftFields = {
  capability,
  draftId: uuid,
  text: v.pipe(v.string(), v.maxLength(MAX_DRAFT_LENGTH)),
  /** A draft may have no category yet (none is preset); a submitted suggestion always has one. */
  category: v.optional(v.picklist(CATEGORIES)),
  anonymous: v.boolean(),
};

/** What is submitted: the draft's fields, with a category chosen. */
const submitFields = {
  capability,
  draftId: uuid,
  text: v.pipe(v.string(), v.maxLength(MAX_DRAFT_LENGTH)),
  category: v.picklist(CATEGORIES),
  anonymous: v.boolean(),
};

const empty = v.object({});

/** Suggestions and the unread update each showed (its `unread.at`), as the popup reports them. */
const seenItems = v.pipe(
  v.array(v.object({ id: uuid, at: v.pipe(v.number(), v.integer(), v.minValue(0)) })),
  v.maxLength(500),
);

export const requests = {
  // ── From the page's content script ──────────────────────────────────────────────────────
  /** The person opened the editor on a page; the selection (if any) becomes the quote. */
  openEditor: {
    from: 'page',
    schema: v.object({
      /** The page's address as the content script sees it (it follows in-page routes). */
      pageUrl: v.pipe(v.string(), v.maxLength(8_192)),
      title: v.pipe(v.string(), v.maxLength(MAX_TITLE_LENGTH * 4)),
      quote: v.pipe(v.string(), v.maxLength(LIMITS.quote)),
      selectors: v.pipe(v.array(SelectorSchema), v.maxLength(LIMITS.selectors)),
    }),
  },
  /** The person clicked a highlight (or chose it in the navigator): open it in the frame. */
  openSuggestion: {
    from: 'page',
    schema: v.object({ pageUrl: v.pipe(v.string(), v.maxLength(8_192)), id: uuid }),
  },
  /** The page UI's text (see utils/shared/page-labels.ts). */
  getPageLabels: { from: 'page', schema: empty },
  /** What to highlight: the page is the sender's tab, never a field of the data. */
  listPageSuggestions: {
    from: 'page',
    schema: v.object({ pageUrl: v.pipe(v.string(), v.maxLength(8_192)) }),
  },
  /** Which of the page's suggestions the content script could not find on it. */
  reportAnchoring: {
    from: 'page',
    schema: v.object({
      pageUrl: v.pipe(v.string(), v.maxLength(8_192)),
      orphans: v.pipe(v.array(uuid), v.maxLength(MAX_PAGE_SUGGESTIONS)),
    }),
  },
  /**
   * A quote on the page is not there verbatim: inject the edited steps of anchoring
   * (`/anchoring-fuzzy.js`) into the sender's own document, in Flywheel's isolated world, once.
   */
  loadEditedAnchoring: { from: 'page', schema: empty },

  // ── From the editor frame (each carries the capability it was opened with) ──────────────
  loadEditor: { from: 'editor', schema: v.object({ capability }) },
  saveDraft: { from: 'editor', schema: v.object(draftFields) },
  submitSuggestion: { from: 'editor', schema: v.object(submitFields) },
  closeEditor: { from: 'editor', schema: v.object({ capability }) },
  /** Attach a screenshot of the visible tab, cropped to the selection, to the draft. */
  captureScreenshot: { from: 'editor', schema: v.object({ capability, draftId: uuid }) },
  /** The parts of the draft's screenshot to black out (all of them, each time). */
  saveScreenshotMasks: {
    from: 'editor',
    schema: v.object({
      capability,
      draftId: uuid,
      masks: v.pipe(v.array(pixelRect), v.maxLength(MAX_MASKS)),
    }),
  },
  removeScreenshot: { from: 'editor', schema: v.object({ capability, draftId: uuid }) },
  /** The author changes the text of their own submitted suggestion (opened from its mark). */
  editSuggestion: {
    from: 'editor',
    schema: v.object({
      capability,
      id: uuid,
      text: v.pipe(v.string(), v.maxLength(MAX_DRAFT_LENGTH)),
    }),
  },
  /** The card asks for the replies to the suggestion it shows (from the endpoint). */
  loadReplies: { from: 'editor', schema: v.object({ capability }) },
  /** The author takes their own suggestion back. */
  withdrawSuggestion: { from: 'editor', schema: v.object({ capability, id: uuid }) },
  /**
   * The person gives or takes back their support: of the card's colleague suggestion (no id),
   * or of one offered under "Similar suggestions" (its id from `loadSimilar`).
   */
  supportSuggestion: {
    from: 'editor',
    schema: v.object({ capability, id: v.optional(uuid), support: v.boolean() }),
  },
  /** The person replies to the suggestion the card shows (through the outbox). */
  postReply: {
    from: 'editor',
    schema: v.object({ capability, text: v.pipe(v.string(), v.maxLength(MAX_DRAFT_LENGTH)) }),
  },
  /** The editor asks, after its first paint, for the site's suggestions to rank as one types. */
  loadSimilar: { from: 'editor', schema: v.object({ capability }) },
  /** The open card asks again where its suggestion stands (something changed meanwhile). */
  loadCard: { from: 'editor', schema: v.object({ capability }) },
  /** The person's own card showed its unread update (its `unread.at`): it is seen. */
  markCardSeen: {
    from: 'editor',
    schema: v.object({ capability, at: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  },
  /**
   * After a 412, on the person's own card: they keep their version (sent again) or the
   * endpoint's (taken here), as the popup's `resolveConflict`.
   */
  keepVersion: {
    from: 'editor',
    schema: v.object({ capability, keep: v.picklist(['mine', 'theirs']) }),
  },
  /** A reply of the person's that the endpoint refused for good: send it again, or drop it. */
  retryReply: { from: 'editor', schema: v.object({ capability, id: uuid }) },
  discardReply: { from: 'editor', schema: v.object({ capability, id: uuid }) },

  // ── From the popup and the options page ─────────────────────────────────────────────────
  listSuggestions: {
    from: 'extension',
    schema: v.object({
      offset: v.pipe(v.number(), v.integer(), v.minValue(0)),
      limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)),
    }),
  },
  /** The popup asks which suggestions were not found on the page its tab shows. */
  listPageOrphans: {
    from: 'extension',
    schema: v.object({ tabId, pageUrl: v.pipe(v.string(), v.maxLength(8_192)) }),
  },
  getSyncOverview: { from: 'extension', schema: empty },
  syncNow: { from: 'extension', schema: empty },
  /** The popup opened: bring statuses back if the last look is more than a minute old. */
  refreshStatuses: { from: 'extension', schema: empty },
  retrySuggestion: { from: 'extension', schema: v.object({ id: uuid }) },
  /** After a 412, the person keeps their version (sent again) or the endpoint's (taken here). */
  resolveConflict: {
    from: 'extension',
    schema: v.object({ id: uuid, keep: v.picklist(['mine', 'theirs']) }),
  },
  /** The person opened these suggestions: the updates they showed are seen. */
  markSeen: { from: 'extension', schema: v.object({ items: seenItems }) },
  getSettings: { from: 'extension', schema: empty },
  saveSettings: {
    from: 'extension',
    schema: v.object({
      endpointUrl,
      authMode: v.picklist(['token', 'session']),
      displayName: v.pipe(v.string(), v.maxLength(LIMITS.creatorName)),
      /** Absent: keep the stored token; empty: remove it. */
      token: v.optional(token),
    }),
  },
  testConnection: {
    from: 'extension',
    schema: v.object({
      endpointUrl,
      authMode: v.picklist(['token', 'session']),
      token: v.optional(token),
    }),
  },
  getSites: { from: 'extension', schema: empty },
  addSite: {
    from: 'extension',
    schema: v.object({ pattern: v.pipe(v.string(), v.maxLength(300)) }),
  },
  removeSite: {
    from: 'extension',
    schema: v.object({ pattern: v.pipe(v.string(), v.maxLength(300)) }),
  },
  /** Recent errors of every context, for the options page's Diagnostics. */
  getDiagnostics: { from: 'extension', schema: empty },
  clearDiagnostics: { from: 'extension', schema: empty },

  // ── From any of Flywheel's contexts ─────────────────────────────────────────────────────
  /** Something failed where the person may not see it: kept in the background's error log. */
  reportError: {
    from: ['page', 'editor', 'extension'],
    schema: v.object({
      where: v.pipe(v.string(), v.maxLength(100)),
      message: v.pipe(v.string(), v.maxLength(1_000)),
    }),
  },
} as const satisfies Record<
  string,
  { from: SenderKind | readonly SenderKind[]; schema: v.GenericSchema }
>;

export type RequestType = keyof typeof requests;
export type RequestData<K extends RequestType> = v.InferOutput<(typeof requests)[K]['schema']>;

/** What the content script gets to highlight a suggestion: where it is, nothing it says. */
export interface PageMark {
  id: string;
  selectors: Suggestion['selectors'];
}

export interface EditorState {
  draftId: string;
  pageUrl: string;
  pageTitle: string;
  quote: string;
  text: string;
  /** The draft's category; absent while none is chosen. */
  category?: Category;
  anonymous: boolean;
  /** A suggestion opened from its highlight may be submitted already: shown, not edited. */
  syncState: Suggestion['syncState'];
  remoteStatus?: Suggestion['remoteStatus'];
  /** The categories the organisation offers, in its order. */
  categories: readonly Category[];
  /** The organisation allows anonymous suggestions. */
  allowAnonymous: boolean;
  /** The person's own submitted suggestion: they may edit or withdraw it. */
  own?: boolean;
  withdrawn?: boolean;
  /** The organisation allows a screenshot with a suggestion (policy `allowScreenshot`). */
  allowScreenshot?: boolean;
  /** The screenshot attached to the draft, as it was cropped, with its black-outs. */
  screenshot?: ScreenshotDraft;
  /** The page context that will be sent with the suggestion (before anonymity rounds it). */
  pageContext?: PageContext;
  /** A colleague's suggestion, opened from its mark: what the endpoint says of it. */
  colleague?: {
    /** Absent: anonymous. */
    authorName?: string;
    category?: string;
    voteCount: number;
    replyCount: number;
    /** The person supports it (their last choice, sent or still waiting). */
    supported: boolean;
    /** Their last choice was refused for good and taken back: why. */
    supportRefused?: string;
  };
  /** How a reply posted on this card is signed: with this name, or (anonymous) with none. */
  replyAs?: { anonymous: boolean; name: string };
  /** The person's own submitted suggestion: where it stands, as the popup shows it. */
  ownCard?: OwnCardState;
}

/** The person's own suggestion as its card shows it: status, the owner's reply, a conflict. */
export interface OwnCardState {
  text: string;
  syncState: Suggestion['syncState'];
  remoteStatus?: Suggestion['remoteStatus'];
  withdrawn?: boolean;
  /** The process owner's latest reply. */
  ownerReply?: OwnerReply;
  /** An update the person has not seen: the card marks it seen once it has shown it. */
  unread?: UnreadUpdate;
  /** After a 412: the endpoint's version beside the person's, until they keep one. */
  theirs?: { text: string; status: RemoteStatus };
}

/** A colleague's suggestion as its card shows the person's support (refreshed while open). */
export interface CardSupport {
  supported: boolean;
  voteCount: number;
  /** The endpoint refused the person's last choice for good (it was taken back): why. */
  refused?: string;
}

/** A suggestion of the site the editor may offer as similar: what ranking needs, no more. */
export interface SimilarEntry {
  /** A colleague's: its mark id; the person's own: its local id. */
  id: string;
  text: string;
  quote: string;
  pageUrl: string;
  supportCount: number;
  supported: boolean;
  /** The person's own: offered, but not for support. */
  own: boolean;
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
  /** The person's support and replies waiting to be sent (the interactions outbox). */
  waiting?: number;
}

export interface SettingsView {
  endpointUrl: string;
  authMode: AuthMode;
  displayName: string;
  /** The token itself never leaves the background. */
  hasToken: boolean;
  /** The endpoint is set by the organisation's policy and cannot be changed here. */
  endpointFromPolicy: boolean;
  /** What else the organisation's policy decides (only what it sets). */
  policy: {
    authMode?: AuthMode;
    allowAnonymous?: boolean;
    categories?: Category[];
    allowScreenshot?: boolean;
  };
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

/** A reply to a suggestion, as its card lists it. */
export interface ReplyEntry {
  /** The person's own, not at the endpoint yet: its id in the outbox (to retry or discard it). */
  id?: string;
  text: string;
  /** Absent: anonymous. */
  authorName?: string;
  /** The endpoint says a process owner posted it. */
  fromOwner: boolean;
  created: string;
  /** The person's own, on its way to the endpoint. */
  sending?: boolean;
  /** The person's own, refused by the endpoint for good: why (kept, not lost). */
  failed?: string;
}

/** One recorded failure (see utils/background/error-log.ts). */
export interface ErrorEntry {
  time: number;
  /** Which context: background, page, editor, popup, options. */
  context: string;
  /** Which capability or action. */
  where: string;
  message: string;
}

export interface Responses {
  openEditor: { capability: string };
  openSuggestion: { capability: string };
  getPageLabels: PageLabelTemplates;
  listPageSuggestions: { items: PageMark[] };
  reportAnchoring: { stored: boolean };
  /** `injected: false`: this document had it already. */
  loadEditedAnchoring: { injected: boolean };
  loadEditor: EditorState;
  saveDraft: { savedAt: number };
  submitSuggestion: { id: string };
  closeEditor: { closed: boolean };
  captureScreenshot: ScreenshotDraft;
  saveScreenshotMasks: { saved: boolean };
  removeScreenshot: { removed: boolean };
  editSuggestion: { text: string };
  /** `error`: the endpoint's replies could not be had (the person's own waiting ones still are). */
  loadReplies: { replies: ReplyEntry[]; error?: string };
  withdrawSuggestion: { withdrawn: boolean };
  supportSuggestion: { supported: boolean; voteCount: number };
  postReply: { reply: ReplyEntry };
  loadSimilar: { candidates: SimilarEntry[] };
  loadCard: { own?: OwnCardState; support?: CardSupport };
  markCardSeen: { seen: boolean };
  keepVersion: { resolved: boolean };
  retryReply: { queued: boolean };
  discardReply: { discarded: boolean };
  listSuggestions: { items: Suggestion[]; total: number };
  listPageOrphans: { items: Suggestion[] };
  getSyncOverview: SyncOverview;
  syncNow: { pending: number };
  refreshStatuses: { updated: number };
  retrySuggestion: { queued: boolean };
  resolveConflict: { resolved: boolean };
  markSeen: { seen: number };
  getSettings: SettingsView;
  saveSettings: { endpointUrl: string };
  testConnection: ConnectionReport;
  getSites: { sites: SiteEntry[] };
  addSite: { sites: SiteEntry[] };
  removeSite: { sites: SiteEntry[] };
  getDiagnostics: { errors: ErrorEntry[] };
  clearDiagnostics: { cleared: number };
  reportError: { recorded: boolean };
}

export interface Message<K extends RequestType = RequestType> {
  type: K;
  data: RequestData<K>;
}

export function sendMessage<K extends RequestType>(
  type: K,
  data: RequestData<K>,
): Promise<Responses[K]> {
  return browser.runtime.sendMessage({ type, data } satisfies Message<K>);
}

// ── Events: the background tells open extension pages that something changed ─────────────
export interface Events {
  /** Suggestions were added, changed or synced: lists and counts are stale. */
  suggestionsChanged: Record<string, never>;
  /** A tab's content script reported which suggestions it could not find. */
  anchoringChanged: Record<string, never>;
}
export type EventType = keyof Events;
const EVENT_TYPES: readonly EventType[] = ['suggestionsChanged', 'anchoringChanged'];

export interface EventMessage<K extends EventType = EventType> {
  event: K;
  data: Events[K];
}

/** The event a message carries, if it is one of ours from the background. */
export function parseEvent(message: unknown): EventMessage | null {
  const event = (message as { event?: unknown } | null)?.event;
  return EVENT_TYPES.includes(event as EventType) ? (message as EventMessage) : null;
}

/**
 * Listens to the background's events in an extension page; returns the unsubscribe. Only
 * messages from this extension's own contexts arrive here (runtime messaging).
 */
export function onEvents(listeners: { [K in EventType]?: (data: Events[K]) => void }): () => void {
  const listener = (message: unknown) => {
    const parsed = parseEvent(message);
    if (parsed) (listeners[parsed.event] as ((data: unknown) => void) | undefined)?.(parsed.data);
    return undefined;
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

// ── The popup's port: open while a popup (or the list in a tab) is open ────────────────────
/**
 * A popup connects a runtime Port by this name. While it is connected the background brings
 * statuses back every LIVE_PULL_MS or so (the popup says it is still there every
 * POPUP_ALIVE_MS); the unread updates it reports as shown are seen once it closes, so the mark
 * stays while the person looks.
 */
export const POPUP_PORT = 'flywheel-popup';
export { POPUP_ALIVE_MS } from './live-pull';

export const popupPortMessage = v.variant('kind', [
  /** Still open. */
  v.object({ kind: v.literal('alive') }),
  /** These unread updates are on the screen (added to those reported before). */
  v.object({ kind: v.literal('shown'), items: seenItems }),
]);
export type PopupPortMessage = v.InferOutput<typeof popupPortMessage>;

// ── Page commands: to the content script of one tab ──────────────────────────────────────
// Checked by hand, not with a schema: the content script must stay small (no valibot in it).
export interface PageCommands {
  /** Open the editor on this page (the toolbar button or the keyboard shortcut). */
  showEditor: Record<string, never>;
  /** The editor asked to be closed. */
  closeEditor: Record<string, never>;
  /**
   * What the page was given to mark changed (a slow endpoint's listing came, the person's own
   * suggestion was sent or withdrawn elsewhere): ask again. It carries nothing of them.
   */
  marksChanged: Record<string, never>;
}
export type PageCommandType = keyof PageCommands;
const PAGE_COMMANDS: readonly PageCommandType[] = ['showEditor', 'closeEditor', 'marksChanged'];

export interface PageCommand<K extends PageCommandType = PageCommandType> {
  command: K;
  data: PageCommands[K];
}

/** A page command we know, with no data (none of them takes any), or null. */
export function parsePageCommand(message: unknown): PageCommand | null {
  const { command, data } = (message ?? {}) as { command?: unknown; data?: unknown };
  if (!PAGE_COMMANDS.includes(command as PageCommandType)) return null;
  if (typeof data !== 'object' || data === null || Object.keys(data).length > 0) return null;
  return { command: command as PageCommandType, data: {} };
}
