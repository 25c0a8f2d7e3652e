// The triage page's HTML: hono/html escapes every interpolated value (suggestions are written
// by anyone; here they are text). No scripts: every action is a plain form.
import { randomUUID } from 'node:crypto';
import { html } from 'hono/html';
import * as v from 'valibot';
import { PageContextSchema, SUGGESTION_STATUSES } from '../../utils/protocol/annotation';
import { isFiltered, SORTS, type Sort, type WorkbenchFilter, workbenchUrl } from './filters';
import type { PageSummary, TriageReply, TriageSuggestion, WorkbenchScreen } from './queries';
import {
  ageInWords,
  categoryInWords,
  dayInWords,
  KNOWN_CATEGORIES,
  LOCALE,
  STATUS_WORDS,
  STRINGS,
} from './strings';
import { pageLinkWithQuote, type Quote } from './text-fragment';

export type Markup = ReturnType<typeof html>;

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1000px; padding: 0 1rem 2rem; color: #1b1b1b; background: #fff; }
header { display: flex; align-items: center; justify-content: space-between; border-bottom: 1px solid #ccc; padding: .5rem 0; }
header p { margin: 0; font-weight: 600; }
h1 { font-size: 1.4rem; margin: 1rem 0 .5rem; }
h2 { font-size: 1.15rem; margin: 0; }
h3 { font-size: 1.1rem; margin: 0; }
h4 { font-size: 1rem; margin: 0 0 .25rem; }
a { color: #0645ad; }
.find { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; background: #f4f4f4; padding: .75rem; border-radius: 6px; }
.find label { display: flex; flex-direction: column; font-size: .9rem; }
.page-group { margin: 1.5rem 0; }
.page-url { color: #444; font-size: .85rem; word-break: break-all; margin: .1rem 0; }
.counts { color: #333; font-size: .9rem; margin: .1rem 0 .5rem; }
article { border: 1px solid #bbb; border-radius: 6px; padding: .75rem 1rem; margin: .75rem 0; }
blockquote { margin: .25rem 0 .5rem; padding-left: .75rem; border-left: 3px solid #777; color: #333; white-space: pre-wrap; }
mark { background: #fff1a8; color: #1b1b1b; }
.text { white-space: pre-wrap; margin: .25rem 0 .5rem; }
.meta { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; margin: .25rem 0; padding: 0; list-style: none; color: #333; font-size: .9rem; }
.replies { margin: .5rem 0; padding: 0; list-style: none; }
.replies li { white-space: pre-wrap; border-left: 3px solid #2e7d4f; padding-left: .5rem; margin: .25rem 0; }
.replies .who { font-weight: 600; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: end; }
.actions form { margin: 0; }
textarea { width: 26rem; max-width: 85vw; min-height: 2.5rem; display: block; }
[role=alert], [role=status] { padding: .5rem .75rem; border-radius: 4px; background: #fdf0d5; }
nav ul { list-style: none; padding: 0; display: flex; gap: 1rem; }
.screenshot { margin: .5rem 0; }
.screenshot img { max-width: 100%; height: auto; border: 1px solid #bbb; }
.context { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .25rem 0; font-size: .9rem; color: #333; }
.context dd { margin: 0; word-break: break-all; }
`;

export function layout(content: Markup, options: { signOutToken?: string } = {}): Markup {
  return html`<!doctype html>
<html lang="${LOCALE}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${STRINGS.documentTitle}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<p>${STRINGS.siteName}</p>
${
  options.signOutToken
    ? html`<form method="post" action="/triage/logout"><input type="hidden" name="csrf" value="${options.signOutToken}"><button type="submit">${STRINGS.signOut}</button></form>`
    : ''
}
</header>
<main>
${content}
</main>
</body>
</html>`;
}

export function messageView(text: string): Markup {
  return html`<h1>${STRINGS.documentTitle}</h1>
<p role="alert">${text}</p>
<p><a href="/triage">${STRINGS.backToTriage}</a></p>`;
}

export function signInView(error?: string): Markup {
  return html`<h1>${STRINGS.signInHeading}</h1>
${error ? html`<p role="alert">${error}</p>` : ''}
<form method="post" action="/triage/login">
<p>${STRINGS.signInHint}</p>
<p><label>${STRINGS.accessToken} <input type="password" name="token" autocomplete="current-password" required></label></p>
<p><button type="submit">${STRINGS.signIn}</button></p>
</form>`;
}

export interface WorkbenchProps {
  screen: WorkbenchScreen;
  filter: WorkbenchFilter;
  sites: readonly string[];
  /** The session's form token; undefined in open mode (no tokens configured). */
  formToken: string | undefined;
  notice?: string;
  now: Date;
}

const SORT_WORDS: Record<Sort, string> = {
  newest: STRINGS.sortNewest,
  supported: STRINGS.sortSupported,
  unanswered: STRINGS.sortUnanswered,
};

function option(value: string, label: string, selected: boolean): Markup {
  return selected
    ? html`<option value="${value}" selected>${label}</option>`
    : html`<option value="${value}">${label}</option>`;
}

function findForm(filter: WorkbenchFilter, sites: readonly string[]): Markup {
  // A site in the URL that has no suggestions (yet) stays selectable, so the view is kept.
  const siteChoices = filter.site && !sites.includes(filter.site) ? [filter.site, ...sites] : sites;
  const categories =
    filter.category && !KNOWN_CATEGORIES.includes(filter.category)
      ? [...KNOWN_CATEGORIES, filter.category]
      : KNOWN_CATEGORIES;
  return html`<div role="search" aria-labelledby="find-heading">
<h2 id="find-heading">${STRINGS.findHeading}</h2>
<form method="get" action="/triage" class="find">
<label>${STRINGS.search} <input type="search" name="q" value="${filter.search ?? ''}" maxlength="200"></label>
<label>${STRINGS.filterSite} <select name="site">${option('', STRINGS.anySite, !filter.site)}${siteChoices.map((site) => option(site, site, site === filter.site))}</select></label>
<label>${STRINGS.filterPage} <input type="url" name="page" value="${filter.page ?? ''}" maxlength="2048"></label>
<label>${STRINGS.filterStatus} <select name="status">${option('', STRINGS.anyStatus, !filter.status)}${SUGGESTION_STATUSES.map((status) => option(status, STATUS_WORDS[status], status === filter.status))}</select></label>
<label>${STRINGS.filterCategory} <select name="category">${option('', STRINGS.anyCategory, !filter.category)}${categories.map((category) => option(category, categoryInWords(category), category === filter.category))}</select></label>
<label>${STRINGS.sortBy} <select name="sort">${SORTS.map((sort) => option(sort, SORT_WORDS[sort], sort === filter.sort))}</select></label>
<button type="submit">${STRINGS.apply}</button>
${isFiltered(filter) ? html`<a href="${workbenchUrl({ sort: filter.sort })}">${STRINGS.clearFilters}</a>` : ''}
</form>
</div>`;
}

export function workbenchView(props: WorkbenchProps): Markup {
  const { screen, filter } = props;
  const summaries = new Map(screen.pages.map((summary) => [summary.pageUrl, summary]));
  const repliesByParent = new Map<string, TriageReply[]>();
  for (const reply of screen.replies) {
    const group = repliesByParent.get(reply.parentId) ?? [];
    group.push(reply);
    repliesByParent.set(reply.parentId, group);
  }
  // Grouped by page, in the order the sort puts each page's first suggestion.
  const byPage = new Map<string, TriageSuggestion[]>();
  for (const suggestion of screen.suggestions) {
    const group = byPage.get(suggestion.pageUrl) ?? [];
    group.push(suggestion);
    byPage.set(suggestion.pageUrl, group);
  }
  const groups = [...byPage].map(([pageUrl, suggestions], index) =>
    pageGroup({
      index,
      pageUrl,
      suggestions,
      summary: summaries.get(pageUrl),
      repliesByParent,
      props,
    }),
  );
  return html`<h1>${STRINGS.workbenchHeading}</h1>
${props.notice ? html`<p role="status">${props.notice}</p>` : ''}
${findForm(filter, props.sites)}
<section aria-labelledby="results-heading">
<h2 id="results-heading">${STRINGS.resultsHeading}</h2>
<p>${screen.suggestions.length === 0 ? STRINGS.nothingFound : STRINGS.shownOnThisScreen(screen.suggestions.length)}</p>
${groups}
</section>
${pagingNav(filter, screen.next)}`;
}

function pagingNav(filter: WorkbenchFilter, next: string | undefined): Markup | '' {
  if (!next && !filter.after) return '';
  return html`<nav aria-label="${STRINGS.pagesOfResults}"><ul>
${filter.after ? html`<li><a href="${workbenchUrl({ ...filter, after: undefined })}">${STRINGS.firstPage}</a></li>` : ''}
${next ? html`<li><a href="${workbenchUrl({ ...filter, after: next })}" rel="next">${STRINGS.nextPage}</a></li>` : ''}
</ul></nav>`;
}

interface PageGroupProps {
  index: number;
  pageUrl: string;
  suggestions: TriageSuggestion[];
  summary: PageSummary | undefined;
  repliesByParent: Map<string, TriageReply[]>;
  props: WorkbenchProps;
}

function pageGroup(group: PageGroupProps): Markup {
  const headingId = `page-${group.index}`;
  const title = pageTitleOf(group.suggestions) ?? pathOf(group.pageUrl);
  const summary = group.summary;
  return html`<section class="page-group" aria-labelledby="${headingId} ${headingId}-url">
<h3 id="${headingId}">${title}</h3>
<p class="page-url" id="${headingId}-url">${group.pageUrl}</p>
${summary ? html`<p class="counts">${STRINGS.pageCounts(summary.total, summary.fresh, summary.unanswered)}</p>` : ''}
${
  group.props.filter.page === group.pageUrl
    ? ''
    : html`<p><a href="${workbenchUrl({ ...group.props.filter, page: group.pageUrl, after: undefined })}">${STRINGS.onlyThisPage}</a></p>`
}
${group.suggestions.map((suggestion) =>
  suggestionArticle(suggestion, group.repliesByParent.get(suggestion.id) ?? [], group.props),
)}
</section>`;
}

interface SuggestionDocument {
  body?: { type?: string; id?: string; format?: string; value?: string; purpose?: string }[];
  pageContext?: unknown;
  target?: { title?: string; selector?: (Quote & { type?: string })[] };
  category?: string;
  anonymous?: boolean;
  creator?: { name?: string };
}

/** The page's title, if the wire ever carries one (`target.title`); else the URL's path. */
function pageTitleOf(suggestions: TriageSuggestion[]): string | undefined {
  for (const suggestion of suggestions) {
    const title = (suggestion.document as SuggestionDocument).target?.title;
    if (typeof title === 'string' && title.trim()) return title.trim();
  }
  return undefined;
}

function pathOf(pageUrl: string): string {
  try {
    const url = new URL(pageUrl);
    return `${url.host}${url.pathname}${url.hash}`;
  } catch {
    return pageUrl;
  }
}

/** The author's display name, or nothing at all for an anonymous suggestion. */
function authorOf(document: SuggestionDocument): string | undefined {
  if (document.anonymous) return undefined;
  const name = document.creator?.name?.trim();
  return name ? name : undefined;
}

/**
 * The screenshot, if the suggestion has one: fetched from this page's own route (the session's
 * cookie goes with it; the page's policy allows `img-src 'self'`, nothing more).
 */
function screenshotOf(document: SuggestionDocument, id: string): Markup | '' {
  if (!document.body?.some((body) => body.type === 'Image')) return '';
  return html`<figure class="screenshot"><img src="/triage/screenshots/${id}" alt="${STRINGS.screenshot}"></figure>`;
}

/** The page context (as the wire's schema accepts it): what the owner needs to reproduce it. */
function pageContextOf(document: SuggestionDocument, headingId: string): Markup | '' {
  const parsed = v.safeParse(PageContextSchema, document.pageContext);
  if (!parsed.success) return '';
  const context = parsed.output;
  const time = new Date(context.time);
  return html`<dl class="context" aria-label="${STRINGS.pageContext}" id="${headingId}-context">
${context.title ? html`<dt>${STRINGS.contextTitle}</dt><dd>${context.title}</dd>` : ''}
${context.browser ? html`<dt>${STRINGS.contextBrowser}</dt><dd>${context.browser.name} ${context.browser.version}</dd>` : ''}
${context.viewport ? html`<dt>${STRINGS.contextViewport}</dt><dd>${STRINGS.contextViewportValue(context.viewport.width, context.viewport.height)}</dd>` : ''}
<dt>${STRINGS.contextTime}</dt><dd><time datetime="${context.time}">${dayInWords(time)}</time></dd>
</dl>`;
}

function quoteOf(document: SuggestionDocument): Quote | undefined {
  const selector = document.target?.selector?.find((item) => item.type === 'TextQuoteSelector');
  return selector && typeof selector.exact === 'string' && selector.exact.length > 0
    ? { exact: selector.exact, prefix: selector.prefix, suffix: selector.suffix }
    : undefined;
}

function suggestionArticle(
  suggestion: TriageSuggestion,
  replies: TriageReply[],
  props: WorkbenchProps,
): Markup {
  const document = suggestion.document as SuggestionDocument;
  const text = document.body?.find((body) => body.purpose === 'editing')?.value ?? '';
  const quote = quoteOf(document);
  const author = authorOf(document);
  const headingId = `s-${suggestion.id}-heading`;
  const action = `/triage/suggestions/${suggestion.id}`;
  const view = workbenchUrl(props.filter).slice('/triage'.length);
  const hidden = html`${props.formToken ? html`<input type="hidden" name="csrf" value="${props.formToken}">` : ''}<input type="hidden" name="view" value="${view}">`;
  return html`<article id="s-${suggestion.id}" aria-labelledby="${headingId}">
<h4 id="${headingId}">${author ? STRINGS.suggestionFrom(author) : STRINGS.anonymousSuggestion}</h4>
${
  quote
    ? html`<blockquote>${quote.prefix ? html`<span class="context">…${quote.prefix}</span>` : ''}<mark>${quote.exact}</mark>${quote.suffix ? html`<span class="context">${quote.suffix}…</span>` : ''}</blockquote>`
    : html`<p class="meta">${STRINGS.wholePage}</p>`
}
<p class="text">${text}</p>
${screenshotOf(document, suggestion.id)}
${pageContextOf(document, headingId)}
<ul class="meta">
<li>${STRINGS.status}: <strong>${STATUS_WORDS[suggestion.status]}</strong></li>
<li>${STRINGS.category}: ${categoryInWords(document.category)}</li>
<li>${STRINGS.supportCount(suggestion.voteCount)}</li>
<li>${STRINGS.written} <time datetime="${suggestion.createdAt.toISOString().slice(0, 10)}" title="${dayInWords(suggestion.createdAt)}">${ageInWords(suggestion.createdAt, props.now)}</time></li>
</ul>
${
  replies.length > 0
    ? html`<ul class="replies" aria-label="${STRINGS.replies}">${replies.map((reply) => replyItem(reply, props.now))}</ul>`
    : html`<p class="meta">${STRINGS.noReplies}</p>`
}
${
  // The wire only takes http(s) page URLs; checked again here, as this becomes a link.
  /^https?:\/\//i.test(suggestion.pageUrl)
    ? html`<p><a href="${pageLinkWithQuote(suggestion.pageUrl, quote)}">${STRINGS.openOnPage}</a></p>`
    : ''
}
<div class="actions">
<form method="post" action="${action}/status">
${hidden}
<label>${STRINGS.status} <select name="status">${SUGGESTION_STATUSES.map((status) => option(status, STATUS_WORDS[status], status === suggestion.status))}</select></label>
<button type="submit">${STRINGS.setStatus}</button>
</form>
<form method="post" action="${action}/replies">
${hidden}
<input type="hidden" name="key" value="${randomUUID()}">
<label>${STRINGS.reply} <textarea name="text" maxlength="10000" required></textarea></label>
<button type="submit">${STRINGS.postReply}</button>
</form>
</div>
</article>`;
}

function replyItem(reply: TriageReply, now: Date): Markup {
  const document = reply.document as SuggestionDocument;
  const name = document.anonymous ? undefined : document.creator?.name?.trim();
  const who = reply.fromOwner
    ? (name ?? STRINGS.processOwner)
    : document.anonymous
      ? STRINGS.anonymous
      : (name ?? STRINGS.colleague);
  const text = document.body?.[0]?.value ?? '';
  return html`<li><span class="who">${who}</span> (${ageInWords(reply.createdAt, now)}): ${text}</li>`;
}
