// The workbench's view as query parameters (`?site=&page=&status=&category=&q=&sort=&after=`):
// read leniently (anything unreadable is ignored), written back for links and redirects.
import {
  LIMITS,
  SUGGESTION_STATUSES,
  type SuggestionStatus,
} from '../../utils/protocol/annotation';

export const SORTS = ['newest', 'supported', 'unanswered'] as const;
export type Sort = (typeof SORTS)[number];

export interface WorkbenchFilter {
  /** Host (and port) of the page URL. */
  site?: string;
  /** One page URL exactly. */
  page?: string;
  status?: SuggestionStatus;
  category?: string;
  search?: string;
  sort: Sort;
  /** Keyset cursor: `seq`, or `votes.seq` when sorted by support. */
  after?: string;
}

const SITE_PATTERN = /^[A-Za-z0-9.:[\]-]{1,255}$/;
const SEARCH_MAX = 200;

function text(value: string | undefined, max: number): string | undefined {
  const trimmed = value?.trim();
  return trimmed && trimmed.length <= max ? trimmed : undefined;
}

export function readFilter(query: URLSearchParams): WorkbenchFilter {
  const sortParam = query.get('sort') ?? '';
  const sort: Sort = (SORTS as readonly string[]).includes(sortParam)
    ? (sortParam as Sort)
    : 'newest';
  const statusParam = query.get('status') ?? '';
  const site = text(query.get('site') ?? undefined, 255);
  const after = query.get('after') ?? '';
  const cursorPattern = sort === 'supported' ? /^\d{1,9}\.\d{1,18}$/ : /^\d{1,18}$/;
  return {
    site: site && SITE_PATTERN.test(site) ? site.toLowerCase() : undefined,
    page: text(query.get('page') ?? undefined, LIMITS.url),
    status: (SUGGESTION_STATUSES as readonly string[]).includes(statusParam)
      ? (statusParam as SuggestionStatus)
      : undefined,
    category: text(query.get('category') ?? undefined, LIMITS.category),
    search: text(query.get('q') ?? undefined, SEARCH_MAX),
    sort,
    after: cursorPattern.test(after) ? after : undefined,
  };
}

/** The query string of a view (without `?`); the defaults are left out. */
export function writeFilter(filter: WorkbenchFilter): string {
  const query = new URLSearchParams();
  const entries: [string, string | undefined][] = [
    ['q', filter.search],
    ['site', filter.site],
    ['page', filter.page],
    ['status', filter.status],
    ['category', filter.category],
    ['sort', filter.sort === 'newest' ? undefined : filter.sort],
    ['after', filter.after],
  ];
  for (const [name, value] of entries) if (value) query.set(name, value);
  return query.toString();
}

/** The workbench URL of a view, e.g. to come back to after a form post. */
export function workbenchUrl(filter: WorkbenchFilter, anchor?: string): string {
  const query = writeFilter(filter);
  return `/triage${query ? `?${query}` : ''}${anchor ? `#${anchor}` : ''}`;
}

export function isFiltered(filter: WorkbenchFilter): boolean {
  return Boolean(filter.site || filter.page || filter.status || filter.category || filter.search);
}
