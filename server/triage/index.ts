// The triage page: process owners see suggestions by page, filter and search them, set
// statuses and reply. Plain server-rendered HTML and forms, no scripts, no external assets.
// Sessions live in the database, so any number of instances on one database act as one.
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';
import {
  ANNOTATION_CONTEXT,
  IncomingReplySchema,
  SUGGESTION_STATUSES,
  type SuggestionStatus,
} from '../../utils/protocol/annotation';
import type { AppEnv } from '../app-env';
import { roleAllows, type TokenRegistry } from '../auth';
import type { Database } from '../database';
import { annotationIri, canonicalJson, isUuid, noneMatchHits, sha256 } from '../representation';
import { screenshotEtag } from '../screenshots';
import type { Store } from '../store';
import { formTokenMatches, originGuard } from './csrf';
import { readFilter, workbenchUrl } from './filters';
import { createTriageQueries } from './queries';
import { createTriageSessions, formTokenOf, SESSION_SECONDS } from './sessions';
import { STRINGS } from './strings';
import { layout, type Markup, messageView, signInView, workbenchView } from './views';

const SESSION_COOKIE = 'flywheel_triage';
/** Suggestions on one screen; the rest is a "Next page" away. */
const SCREEN_SIZE = 50;
/** The name owner replies are stored under: data on the wire, so not a translated string. */
const OWNER_REPLY_NAME = 'Process owner';
/** Sites offered in the site filter. */
const MAX_SITES = 200;

export interface TriageOptions {
  store: Store;
  database: Database;
  tokens: TokenRegistry;
  containerUrlOf: (c: Context<AppEnv>) => string;
  /** Extra origins that count as "this site" (e.g. the public URL behind a proxy). */
  trustedOrigins?: readonly string[];
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  // Our own form posts name our origin (no-referrer made Chromium send `Origin: null`); the
  // triage URL (its search words) never reaches the intranet pages it links to.
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

type Session =
  /** No tokens configured (demo): open to anyone, no sign-in. */
  { kind: 'open' } | { kind: 'signed-in'; id: string; formToken: string };

export function registerTriageRoutes(app: Hono<AppEnv>, options: TriageOptions) {
  const { store, tokens, containerUrlOf } = options;
  const sessions = createTriageSessions(options.database);
  const queries = createTriageQueries(options.database);

  async function page(
    c: Context<AppEnv>,
    status: ContentfulStatusCode,
    content: Markup,
    session?: Session,
  ): Promise<Response> {
    const signOutToken = session?.kind === 'signed-in' ? session.formToken : undefined;
    return c.html(await layout(content, { signOutToken }), status, SECURITY_HEADERS);
  }

  /** The session, or null when a sign-in is needed. */
  async function currentSession(c: Context<AppEnv>): Promise<Session | null> {
    if (!tokens.required) return { kind: 'open' };
    const id = getCookie(c, SESSION_COOKIE);
    if (!id || !(await sessions.isLive(id))) return null;
    return { kind: 'signed-in', id, formToken: formTokenOf(id) };
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

  /** Checks the session and form token of a triage action; the form, or the refusal. */
  async function authorizeAction(
    c: Context<AppEnv>,
  ): Promise<{ form: Record<string, string>; session: Session } | { refusal: Response }> {
    const session = await currentSession(c);
    if (session === null) {
      return { refusal: await page(c, 401, signInView(STRINGS.sessionEnded)) };
    }
    const form = await readForm(c);
    if (!form) return { refusal: await page(c, 415, messageView(STRINGS.expectedForm), session) };
    if (session.kind === 'signed-in' && !formTokenMatches(form.csrf, session.formToken)) {
      return { refusal: await page(c, 403, messageView(STRINGS.refusedStaleForm), session) };
    }
    return { form, session };
  }

  /** Back to the view the form was posted from, at the suggestion it acted on. */
  function backTo(form: Record<string, string>, suggestionId: string, done: string): string {
    const query = new URLSearchParams(form.view?.startsWith('?') ? form.view.slice(1) : '');
    const filter = readFilter(query);
    const url = workbenchUrl(filter);
    return `${url}${url.includes('?') ? '&' : '?'}done=${done}#s-${suggestionId}`;
  }

  // Refuses form posts another site made a browser send, before anything else reads them.
  app.use(
    '/triage/*',
    originGuard({
      trustedOrigins: options.trustedOrigins ?? [],
      refuse: async (c) =>
        page(c, 403, messageView(STRINGS.refusedCrossSite), (await currentSession(c)) ?? undefined),
    }),
  );

  app.get('/triage', async (c) => {
    const session = await currentSession(c);
    if (session === null) return page(c, 200, signInView());
    const filter = readFilter(new URL(c.req.url).searchParams);
    const [screen, sites] = await Promise.all([
      queries.screen(filter, SCREEN_SIZE),
      queries.sites(MAX_SITES),
    ]);
    const done = c.req.query('done');
    const notice =
      done === 'status' ? STRINGS.statusSet : done === 'reply' ? STRINGS.replyPosted : undefined;
    return page(
      c,
      200,
      workbenchView({
        screen,
        filter,
        sites,
        formToken: session.kind === 'signed-in' ? session.formToken : undefined,
        notice,
        now: new Date(),
      }),
      session,
    );
  });

  // A suggestion's screenshot for the page's <img>: the session's, under the cookie's path.
  app.get('/triage/screenshots/:id', async (c) => {
    const session = await currentSession(c);
    if (session === null) return page(c, 401, signInView(STRINGS.sessionEnded));
    const id = c.req.param('id').toLowerCase();
    const found = isUuid(id) ? await store.getScreenshot(id) : undefined;
    const screenshot = found && !found.deleted ? found.screenshot : undefined;
    if (!screenshot) return page(c, 404, messageView(STRINGS.noSuchSuggestion), session);
    const etag = screenshotEtag(screenshot.sha256);
    const headers = {
      ETag: etag,
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    };
    if (noneMatchHits(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    return c.body(screenshot.bytes as Uint8Array<ArrayBuffer>, 200, {
      ...headers,
      'Content-Type': screenshot.mediaType,
    });
  });

  app.post('/triage/login', async (c) => {
    if (!tokens.required) return c.redirect('/triage', 303);
    const form = await readForm(c);
    const role = form?.token ? tokens.roleOf(form.token) : undefined;
    if (!role || !roleAllows(role, 'owner')) {
      return page(c, 401, signInView(STRINGS.notAnOwnerToken));
    }
    setCookie(c, SESSION_COOKIE, await sessions.start(), {
      httpOnly: true,
      sameSite: 'Strict',
      // Behind a TLS-terminating proxy the request arrives over http; the public URL says.
      secure:
        new URL(c.req.url).protocol === 'https:' ||
        (options.trustedOrigins ?? []).some((origin) => origin.startsWith('https:')),
      path: '/triage',
      maxAge: SESSION_SECONDS,
    });
    return c.redirect('/triage', 303);
  });

  app.post('/triage/logout', async (c) => {
    const authorized = await authorizeAction(c);
    if ('refusal' in authorized) return authorized.refusal;
    if (authorized.session.kind === 'signed-in') await sessions.end(authorized.session.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/triage' });
    return c.redirect('/triage', 303);
  });

  app.post('/triage/suggestions/:id/status', async (c) => {
    const authorized = await authorizeAction(c);
    if ('refusal' in authorized) return authorized.refusal;
    const { form, session } = authorized;
    const status = form.status ?? '';
    if (!(SUGGESTION_STATUSES as readonly string[]).includes(status)) {
      return page(c, 400, messageView(STRINGS.unknownStatus), session);
    }
    const id = c.req.param('id').toLowerCase();
    const updated = isUuid(id) ? await store.setStatus(id, status as SuggestionStatus) : undefined;
    if (!updated) return page(c, 404, messageView(STRINGS.noSuchSuggestion), session);
    return c.redirect(backTo(form, updated.id, 'status'), 303);
  });

  app.post('/triage/suggestions/:id/replies', async (c) => {
    const authorized = await authorizeAction(c);
    if ('refusal' in authorized) return authorized.refusal;
    const { form, session } = authorized;
    const { text = '', key = '' } = form;
    const id = c.req.param('id').toLowerCase();
    const parent = isUuid(id) ? await store.getAnnotation(id) : undefined;
    if (parent?.kind !== 'suggestion' || parent.deletedAt) {
      return page(c, 404, messageView(STRINGS.noSuchSuggestion), session);
    }
    const parsed = v.safeParse(IncomingReplySchema, {
      '@context': [...ANNOTATION_CONTEXT],
      type: 'Annotation',
      motivation: 'replying',
      body: [
        { type: 'TextualBody', value: text.trim(), format: 'text/plain', purpose: 'replying' },
      ],
      target: annotationIri(containerUrlOf(c), parent.id),
      creator: { type: 'Person', name: OWNER_REPLY_NAME },
    });
    if (!parsed.success || text.trim().length === 0 || !isUuid(key)) {
      return page(c, 400, messageView(STRINGS.replyNeedsText), session);
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
      fromOwner: true,
    });
    return c.redirect(backTo(form, parent.id, 'reply'), 303);
  });
}
