// Every word the triage page shows, in one place so the page can be translated later. The
// page is English today; dates and numbers are formatted for this locale too.
import type { SuggestionStatus } from '../../utils/protocol/annotation';

export const LOCALE = 'en';

export const STRINGS = {
  documentTitle: 'Flywheel triage',
  siteName: 'Flywheel',
  workbenchHeading: 'Suggestions to triage',
  signInHeading: 'Sign in to triage suggestions',
  signInHint: 'Use a process owner’s access token.',
  accessToken: 'Access token',
  signIn: 'Sign in',
  signOut: 'Sign out',
  notAnOwnerToken: 'That is not a process owner’s access token.',
  sessionEnded: 'Sign in again: your session ended.',
  refusedCrossSite: 'Refused: this form was not sent from the triage page.',
  refusedStaleForm: 'Refused: the form is stale. Reload the page and try again.',
  expectedForm: 'Expected a form submission.',
  unknownStatus: 'Unknown status.',
  noSuchSuggestion: 'No such suggestion.',
  replyNeedsText: 'A reply needs text (at most 10,000 characters).',
  backToTriage: 'Back to triage',
  findHeading: 'Find suggestions',
  search: 'Search',
  filterSite: 'Site',
  filterPage: 'Page address',
  filterStatus: 'Show status',
  filterCategory: 'Category shown',
  sortBy: 'Sort by',
  apply: 'Apply',
  clearFilters: 'Clear filters',
  anySite: 'Any site',
  anyStatus: 'Any status',
  anyCategory: 'Any category',
  sortNewest: 'Newest',
  sortSupported: 'Most supported',
  sortUnanswered: 'Oldest unanswered',
  resultsHeading: 'Suggestions',
  nothingFound: 'No suggestions match.',
  nextPage: 'Next page',
  firstPage: 'First page',
  pagesOfResults: 'Pages of results',
  onlyThisPage: 'Only this page',
  anonymous: 'Anonymous',
  anonymousSuggestion: 'Anonymous suggestion',
  suggestionFrom: (name: string) => `Suggestion from ${name}`,
  processOwner: 'Process owner',
  colleague: 'A colleague',
  wholePage: 'About the whole page',
  category: 'Category',
  noCategory: 'None',
  support: 'Support',
  // The screenshot and the page context sent with a suggestion.
  screenshot:
    'Screenshot of the page, as the person sent it (black areas were blacked out by them)',
  pageContext: 'Page as they saw it',
  contextTitle: 'Title',
  contextBrowser: 'Browser',
  contextViewport: 'Window size',
  contextViewportValue: (width: number, height: number) =>
    `${formatNumber(width)} × ${formatNumber(height)} pixels`,
  contextTime: 'Seen at',
  supportCount: (count: number) =>
    count === 0
      ? 'No support yet'
      : count === 1
        ? '1 person supports this'
        : `${formatNumber(count)} people support this`,
  status: 'Status',
  setStatus: 'Set status',
  reply: 'Reply',
  postReply: 'Post reply',
  replies: 'Replies',
  noReplies: 'No replies yet.',
  openOnPage: 'Open on the page',
  written: 'Written',
  pageCounts: (total: number, fresh: number, unanswered: number) =>
    `${formatNumber(total)} ${total === 1 ? 'suggestion' : 'suggestions'}: ${formatNumber(fresh)} new, ${formatNumber(unanswered)} unanswered`,
  shownOnThisScreen: (count: number) =>
    `${formatNumber(count)} ${count === 1 ? 'suggestion' : 'suggestions'} on this screen`,
  statusSet: 'Status set.',
  replyPosted: 'Reply posted.',
} as const;

export const STATUS_WORDS: Record<SuggestionStatus, string> = {
  submitted: 'Submitted',
  'under-review': 'Under review',
  planned: 'Planned',
  done: 'Done',
  declined: 'Declined',
};

/** The extension's categories in words; another client's own category shows as it came. */
const CATEGORY_WORDS: Record<string, string> = {
  unclear: 'Unclear',
  'missing-step': 'Missing step',
  outdated: 'Outdated',
  simplify: 'Could be simpler',
  other: 'Other',
};

export const KNOWN_CATEGORIES = Object.keys(CATEGORY_WORDS);

export function categoryInWords(category: string | undefined): string {
  if (!category) return STRINGS.noCategory;
  return CATEGORY_WORDS[category] ?? category;
}

const numberFormat = new Intl.NumberFormat(LOCALE);
export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

const relativeTime = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto' });
const dateFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'long', timeZone: 'UTC' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", "yesterday", "just now". */
export function ageInWords(then: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 60) return 'just now';
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return relativeTime.format(-Math.floor(seconds / size), unit);
  }
  return 'just now';
}

/** The day only: the exact second could tie an anonymous suggestion to an access log. */
export function dayInWords(then: Date): string {
  return dateFormat.format(then);
}
