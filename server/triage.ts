// The triage page: process owners see suggestions by page, set statuses and reply. Plain
// server-rendered HTML and forms, no scripts, no external assets.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';
import {
  ANNOTATION_CONTEXT,
  IncomingReplySchema,
  SUGGESTION_STATUSES,
  type SuggestionStatus,
} from '../utils/protocol/annotation';
import type { AppEnv } from './app-env';
import { roleAllows, type TokenRegistry } from './auth';
import { html, type SafeHtml } from './html';
import { annotationIri, canonicalJson, isUuid, sha256 } from './representation';
import type { AnnotationRecord, Store } from './store';

const SESSION_COOKIE = 'flywheel_triage';
const SESSION_SECONDS = 8 * 60 * 60;
const TRIAGE_LIMIT = 500;
const OWNER_NAME = 'Process owner';

export interface TriageOptions {
  store: Store;
  tokens: TokenRegistry;
  containerUrlOf: (c: Context<AppEnv>) => string;
  /** Extra origins that count as "this site" (e.g. the public URL behind a proxy). */
  trustedOrigins?: readonly string[];
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function registerTriageRoutes(app: Hono<AppEnv>, options: TriageOptions) {
  const { store, tokens, containerUrlOf } = options;
  // Per process: restarting the server signs everyone out, which is fine for a triage page.
  const csrfSecret = randomBytes(32);
  const sessions = new Map<string, number>();

  const csrfTokenFor = (sessionId: string | undefined) =>
    createHmac('sha256', csrfSecret)
      .update(sessionId ?? 'open')
      .digest('base64url');

  /** The session id, `undefined` for open mode, or `null` when a sign-in is needed. */
  function currentSession(c: Context<AppEnv>): string | undefined | null {
    if (!tokens.required) return undefined;
    const sessionId = getCookie(c, SESSION_COOKIE);
    const expires = sessionId ? sessions.get(sessionId) : undefined;
    if (!sessionId || expires === undefined) return null;
    if (expires < Date.now()) {
      sessions.delete(sessionId);
      return null;
    }
    return sessionId;
  }

  function page(c: Context<AppEnv>, status: ContentfulStatusCode, content: SafeHtml): Response {
    return c.html(layout(content).markup, status, SECURITY_HEADERS);
  }

  /** Refuses form posts that another site made the browser send (with SameSite and CSRF). */
  function isCrossSite(c: Context<AppEnv>): boolean {
    const fetchSite = c.req.header('sec-fetch-site');
    if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') return true;
    const origin = c.req.header('origin');
    if (!origin) return false;
    const allowed = [new URL(c.req.url).origin, ...(options.trustedOrigins ?? [])];
    return !allowed.includes(origin);
  }

  async function readForm(c: Context<AppEnv>): Promise<Record<string, string> | undefined> {
    const mediaType = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/x-www-form-urlencoded') return undefined;
    const form = await c.req.parseBody();
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(form)) {
      if (typeof value === 'string') fields[name] = value;
    }
    return fields;
  }

  /** Checks session, origin and CSRF token of a triage action; the form, or the refusal. */
  async function authorizeAction(
    c: Context<AppEnv>,
  ): Promise<{ form: Record<string, string> } | { refusal: Response }> {
    const sessionId = currentSession(c);
    if (sessionId === null) {
      return { refusal: page(c, 401, loginForm('Sign in again: your session ended.')) };
    }
    if (isCrossSite(c)) return { refusal: page(c, 403, message('Refused: cross-site request.')) };
    const form = await readForm(c);
    if (!form) return { refusal: page(c, 415, message('Expected a form submission.')) };
    const expected = Buffer.from(csrfTokenFor(sessionId));
    const given = Buffer.from(form.csrf ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { refusal: page(c, 403, message('Refused: the form is stale. Reload and retry.')) };
    }
    return { form };
  }

  app.get('/triage', async (c) => {
    const sessionId = currentSession(c);
    if (sessionId === null) return page(c, 200, loginForm());
    const statusFilter = c.req.query('status');
    const status = (SUGGESTION_STATUSES as readonly string[]).includes(statusFilter ?? '')
      ? (statusFilter as SuggestionStatus)
      : undefined;
    const { suggestions, replies } = await store.listForTriage(status, TRIAGE_LIMIT);
    return page(
      c,
      200,
      triageList({
        suggestions,
        replies,
        status,
        csrf: csrfTokenFor(sessionId),
        signedIn: sessionId !== undefined,
      }),
    );
  });

  app.post('/triage/login', async (c) => {
    if (isCrossSite(c)) return page(c, 403, message('Refused: cross-site request.'));
    if (!tokens.required) return c.redirect('/triage', 303);
    const form = await readForm(c);
    const role = form?.token ? tokens.roleOf(form.token) : undefined;
    if (!role || !roleAllows(role, 'owner')) {
      return page(c, 401, loginForm('That is not a process owner token.'));
    }
    const sessionId = randomBytes(32).toString('base64url');
    sessions.set(sessionId, Date.now() + SESSION_SECONDS * 1000);
    setCookie(c, SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/triage',
      maxAge: SESSION_SECONDS,
    });
    return c.redirect('/triage', 303);
  });

  app.post('/triage/logout', async (c) => {
    const authorized = await authorizeAction(c);
    if ('refusal' in authorized) return authorized.refusal;
    const sessionId = getCookie(c, SESSION_COOKIE);
    if (sessionId) sessions.delete(sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/triage' });
    return c.redirect('/triage', 303);
  });

  app.post('/triage/suggestions/:id/status', async (c) => {
    const authorized = await authorizeAction(c);
    if ('refusal' in authorized) return authorized.refusal;
    const status = authorized.form.status ?? '';
    if (!(SUGGESTION_STATUSES as readonly string[]).includes(status)) {
      return page(c, 400, message('Unknown status.'));
    }
    const id = c.req.param('id').toLowerCase();
    const updated = isUuid(id) ? await store.setStatus(id, status as SuggestionStatus) : undefined;
    if (!updated) return page(c, 404, message('No such suggestion.'));
    return c.redirect(`/triage#s-${updated.id}`, 303);
  });

  app.post('/triage/suggestions/:id/replies', async (c) => {
    const authorized = await authorizeAction(c);
    if ('refusal' in authorized) return authorized.refusal;
    const { text = '', key = '' } = authorized.form;
    const id = c.req.param('id').toLowerCase();
    const parent = isUuid(id) ? await store.getAnnotation(id) : undefined;
    if (parent?.kind !== 'suggestion' || parent.deletedAt) {
      return page(c, 404, message('No such suggestion.'));
    }
    const parsed = v.safeParse(IncomingReplySchema, {
      '@context': [...ANNOTATION_CONTEXT],
      type: 'Annotation',
      motivation: 'replying',
      body: [
        { type: 'TextualBody', value: text.trim(), format: 'text/plain', purpose: 'replying' },
      ],
      target: annotationIri(containerUrlOf(c), parent.id),
      creator: { type: 'Person', name: OWNER_NAME },
    });
    if (!parsed.success || text.trim().length === 0 || !isUuid(key)) {
      return page(c, 400, message('A reply needs text (at most 10,000 characters).'));
    }
    // The form carries a fresh uuid as its idempotency key, so a double submit posts once.
    await store.createAnnotation({
      id: randomUUID(),
      kind: 'reply',
      targetSource: parent.targetSource,
      parentId: parent.id,
      idempotencyKey: `triage:${key}`,
      requestHash: sha256(canonicalJson(parsed.output)),
      document: parsed.output,
    });
    return c.redirect(`/triage#s-${parent.id}`, 303);
  });
}

function layout(content: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flywheel triage</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 960px; padding: 1rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.05rem; margin-top: 2rem; word-break: break-all; }
article { border: 1px solid #ccc; border-radius: 6px; padding: .75rem 1rem; margin: .75rem 0; }
blockquote { margin: .25rem 0 .5rem; padding-left: .75rem; border-left: 3px solid #999; color: #444; white-space: pre-wrap; }
.text { white-space: pre-wrap; margin: .25rem 0; }
.meta { color: #555; font-size: .9rem; }
.replies { margin: .5rem 0 .5rem 1rem; padding: 0; list-style: none; }
.replies li { white-space: pre-wrap; border-left: 2px solid #4a7; padding-left: .5rem; margin: .25rem 0; }
form { display: inline-block; margin: .25rem 1rem .25rem 0; vertical-align: top; }
textarea { width: 28rem; max-width: 90vw; min-height: 3rem; }
nav a { margin-right: .75rem; }
</style>
</head>
<body>
${content}
</body>
</html>`;
}

function message(text: string): SafeHtml {
  return html`<h1>Flywheel triage</h1><p role="alert">${text}</p><p><a href="/triage">Back to triage</a></p>`;
}

function loginForm(error?: string): SafeHtml {
  return html`<h1>Flywheel triage</h1>
${error ? html`<p role="alert">${error}</p>` : ''}
<form method="post" action="/triage/login">
<p><label>Process owner token <input type="password" name="token" autocomplete="current-password" required></label></p>
<p><button type="submit">Sign in</button></p>
</form>`;
}

interface TriageListProps {
  suggestions: AnnotationRecord[];
  replies: AnnotationRecord[];
  status: SuggestionStatus | undefined;
  csrf: string;
  signedIn: boolean;
}

function triageList(props: TriageListProps): SafeHtml {
  const byPage = new Map<string, AnnotationRecord[]>();
  for (const suggestion of props.suggestions) {
    const group = byPage.get(suggestion.targetSource) ?? [];
    group.push(suggestion);
    byPage.set(suggestion.targetSource, group);
  }
  const repliesByParent = new Map<string, AnnotationRecord[]>();
  for (const reply of props.replies) {
    const group = repliesByParent.get(reply.parentId ?? '') ?? [];
    group.push(reply);
    repliesByParent.set(reply.parentId ?? '', group);
  }
  const filterLinks = [undefined, ...SUGGESTION_STATUSES].map((status) => {
    const label = status ?? 'all';
    const href = status ? `/triage?status=${status}` : '/triage';
    return status === props.status
      ? html`<a href="${href}" aria-current="page"><strong>${label}</strong></a>`
      : html`<a href="${href}">${label}</a>`;
  });
  return html`<h1>Flywheel triage</h1>
<nav aria-label="Filter by status">${filterLinks}</nav>
${
  props.signedIn
    ? html`<form method="post" action="/triage/logout"><input type="hidden" name="csrf" value="${props.csrf}"><button type="submit">Sign out</button></form>`
    : ''
}
${props.suggestions.length === 0 ? html`<p>No suggestions${props.status ? html` with status ${props.status}` : ''}.</p>` : ''}
${[...byPage].map(
  ([pageUrl, suggestions]) => html`<section>
<h2>${pageUrl}</h2>
${suggestions.map((suggestion) =>
  suggestionCard(suggestion, repliesByParent.get(suggestion.id) ?? [], props.csrf),
)}
</section>`,
)}`;
}

function suggestionCard(
  suggestion: AnnotationRecord,
  replies: AnnotationRecord[],
  csrf: string,
): SafeHtml {
  const document = suggestion.document as {
    body?: { value?: string; purpose?: string }[];
    target?: { selector?: { type?: string; exact?: string }[] };
    category?: string;
    anonymous?: boolean;
    creator?: { name?: string };
  };
  const text = document.body?.find((body) => body.purpose === 'editing')?.value ?? '';
  const tags = (document.body ?? [])
    .filter((body) => body.purpose === 'tagging')
    .map((body) => body.value ?? '');
  const quote = document.target?.selector?.find(
    (selector) => selector.type === 'TextQuoteSelector',
  )?.exact;
  const author = document.anonymous ? 'anonymous' : (document.creator?.name ?? 'no name given');
  const action = `/triage/suggestions/${suggestion.id}`;
  return html`<article id="s-${suggestion.id}" aria-label="Suggestion">
${quote ? html`<blockquote>${quote}</blockquote>` : ''}
<p class="text">${text}</p>
<p class="meta">Status: <strong>${suggestion.status}</strong> · Votes: ${suggestion.voteCount} · Category: ${document.category ?? 'none'}${tags.length > 0 ? html` · Tags: ${tags.join(', ')}` : ''} · From: ${author} · ${suggestion.createdAt.toISOString()}</p>
${
  replies.length > 0
    ? html`<ul class="replies" aria-label="Replies">${replies.map((reply) => {
        const replyDocument = reply.document as {
          body?: { value?: string }[];
          creator?: { name?: string };
        };
        return html`<li>${replyDocument.creator?.name ?? 'colleague'}: ${replyDocument.body?.[0]?.value ?? ''}</li>`;
      })}</ul>`
    : ''
}
<form method="post" action="${action}/status">
<input type="hidden" name="csrf" value="${csrf}">
<label>Status <select name="status">${SUGGESTION_STATUSES.map((status) =>
    status === suggestion.status
      ? html`<option value="${status}" selected>${status}</option>`
      : html`<option value="${status}">${status}</option>`,
  )}</select></label>
<button type="submit">Set status</button>
</form>
<form method="post" action="${action}/replies">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="key" value="${randomUUID()}">
<label>Reply <textarea name="text" maxlength="10000" required></textarea></label>
<button type="submit">Post reply</button>
</form>
</article>`;
}
