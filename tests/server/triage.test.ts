// @vitest-environment node
// The triage page over HTTP, as a browser would use it (cookies, Origin, forms), on PGlite and
// PostgreSQL; and two instances on one PostgreSQL acting as one.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/database';
import { type RunningServer, startServer } from '../../server/start-server';
import { readFilter } from '../../server/triage/filters';
import { createTriageQueries } from '../../server/triage/queries';
import { startTestPostgres, type TestPostgres } from './helpers/postgres-cluster';
import {
  call,
  create,
  DATABASE_KINDS,
  suggestion,
  type TestEndpoint,
  TOKENS,
  uniquePage,
  useTestEndpoints,
} from './helpers/test-endpoint';

const OWNER_TOKENS = [
  { token: TOKENS.write, role: 'write' as const },
  { token: TOKENS.owner, role: 'owner' as const },
];

/**
 * A browser-like visitor of the triage page: a cookie jar, and on every form post the
 * headers a browser adds to a same-origin form (`Origin`, `Sec-Fetch-Site`).
 */
function visitor(baseUrl: string, jar: { cookie: string } = { cookie: '' }) {
  const request = async (
    path: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: form ? 'POST' : 'GET',
      headers: {
        ...(jar.cookie ? { Cookie: jar.cookie } : {}),
        ...(form
          ? {
              'Content-Type': 'application/x-www-form-urlencoded',
              Origin: baseUrl,
              'Sec-Fetch-Site': 'same-origin',
            }
          : {}),
        ...headers,
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) jar.cookie = setCookie.split(';')[0] ?? '';
    return response;
  };
  const html = async (path: string) => (await request(path)).text();
  const signIn = () => request('/triage/login', { token: TOKENS.owner });
  /** The same person (cookie) on another instance. */
  const on = (otherBaseUrl: string) => visitor(otherBaseUrl, jar);
  return { request, html, signIn, on, cookie: () => jar.cookie };
}

function formTokenFrom(page: string): string {
  const match = page.match(/name="csrf" value="([^"]+)"/);
  if (!match?.[1]) throw new Error('no form token on the page');
  return match[1];
}

/** The HTML of one suggestion's article. */
function articleOf(page: string, id: string): string {
  const start = page.indexOf(`<article id="s-${id}"`);
  if (start < 0) throw new Error(`no article for ${id}`);
  return page.slice(start, page.indexOf('</article>', start));
}

const idOf = (iri: string) => iri.slice(iri.lastIndexOf('/') + 1);
const uniqueSite = () => `${randomUUID().slice(0, 8)}.intranet.example`;

const endpointFor = useTestEndpoints();

describe.each(DATABASE_KINDS)('triage page on %s', (kind) => {
  let endpoint: TestEndpoint;
  let container: string;

  beforeAll(async () => {
    endpoint = await endpointFor(kind);
    container = endpoint.server.containerUrl;
  }, 60_000);

  describe('signing in', () => {
    it('asks for an owner access token before showing anything', async () => {
      await create(container, suggestion(uniquePage(), 'secret plan'));
      const person = visitor(endpoint.server.url);
      const signInPage = await person.html('/triage');
      expect(signInPage).toContain('Access token');
      expect(signInPage).toContain('Sign in');
      expect(signInPage).not.toContain('secret plan');

      expect((await person.request('/triage/login', { token: TOKENS.write })).status).toBe(401);
      expect(person.cookie()).toBe('');

      const owner = await person.signIn();
      expect(owner.status).toBe(303);
      expect(owner.headers.get('set-cookie')).toMatch(/HttpOnly/i);
      expect(owner.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
      expect(await person.html('/triage')).toContain('secret plan');
    });

    it('keeps only a hash of the session id, and signing out ends the session', async () => {
      const person = visitor(endpoint.server.url);
      await person.signIn();
      const sessionId = person.cookie().split('=')[1] ?? '';
      expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const rows = await endpoint.server.database.query<{ id_hash: string }>(
        'SELECT id_hash FROM triage_sessions',
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.some((row) => row.id_hash.includes(sessionId))).toBe(false);

      const page = await person.html('/triage');
      const signOut = await person.request('/triage/logout', { csrf: formTokenFrom(page) });
      expect(signOut.status).toBe(303);
      // The old cookie, replayed after signing out, signs nobody in.
      const replay = visitor(endpoint.server.url, { cookie: `flywheel_triage=${sessionId}` });
      expect(await replay.html('/triage')).toContain('Sign in');
    });
  });

  describe('forms', () => {
    it('sets a status and posts a reply that clients then see', async () => {
      const { body } = await create(container, suggestion(uniquePage(), 'Use the new form'));
      const id = idOf(body.id);
      const before = (await call(body.id)).headers.get('etag');
      const person = visitor(endpoint.server.url);
      await person.signIn();
      const csrf = formTokenFrom(await person.html('/triage'));

      const setStatus = await person.request(`/triage/suggestions/${id}/status`, {
        status: 'planned',
        csrf,
        view: '?sort=supported&q=form',
      });
      expect(setStatus.status).toBe(303);
      // Back to the same view, at the suggestion.
      expect(setStatus.headers.get('location')).toBe(
        `/triage?q=form&sort=supported&done=status#s-${id}`,
      );
      const updated = await call(body.id);
      expect(((await updated.json()) as { status: string }).status).toBe('planned');
      expect(updated.headers.get('etag')).not.toBe(before);

      const key = randomUUID();
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const posted = await person.request(`/triage/suggestions/${id}/replies`, {
          text: 'Planned for <March>',
          key,
          csrf,
        });
        expect(posted.status).toBe(303);
      }
      const replies = (await (
        await call(`${container}?${new URLSearchParams({ target: body.id })}`)
      ).json()) as { total: number; first?: { items: Record<string, unknown>[] } };
      expect(replies.total).toBe(1);
      expect(replies.first?.items[0]).toMatchObject({
        motivation: 'replying',
        target: body.id,
        creator: { name: 'Process owner' },
      });
      const article = articleOf(await person.html(`/triage?q=new+form`), id);
      expect(article).toContain('Planned for &lt;March&gt;');
      expect(article).toContain('<strong>Planned</strong>');
    });

    it('accepts its own forms as Chromium sends them under a strict referrer policy', async () => {
      const { body } = await create(container, suggestion(uniquePage()));
      const person = visitor(endpoint.server.url);
      await person.signIn();
      const page = await person.request('/triage');
      // `no-referrer` made Chromium send `Origin: null` on the page's own forms.
      expect(page.headers.get('referrer-policy')).toBe('same-origin');
      const csrf = formTokenFrom(await page.text());
      const posted = await person.request(
        `/triage/suggestions/${idOf(body.id)}/status`,
        { status: 'done', csrf },
        { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' },
      );
      expect(posted.status).toBe(303);
    });

    it('refuses forms without the form token, from another site, or signed out', async () => {
      const { body } = await create(container, suggestion(uniquePage()));
      const person = visitor(endpoint.server.url);
      await person.signIn();
      const csrf = formTokenFrom(await person.html('/triage'));
      const path = `/triage/suggestions/${idOf(body.id)}/status`;

      expect((await person.request(path, { status: 'done' })).status).toBe(403);
      expect((await person.request(path, { status: 'done', csrf: 'forged' })).status).toBe(403);
      // With the right token and cookie, but sent by another site's page.
      const crossSite = [
        { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
        { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' },
        // Another port of the same host is the same site but not the same origin.
        { Origin: 'http://127.0.0.1:1', 'Sec-Fetch-Site': 'same-site' },
      ];
      for (const headers of crossSite) {
        const refused = await person.request(path, { status: 'done', csrf }, headers);
        expect(refused.status).toBe(403);
        expect(await refused.text()).toContain('not sent from the triage page');
      }
      // A sign-in forged by another site (login CSRF) is refused too.
      const forgedLogin = await visitor(endpoint.server.url).request(
        '/triage/login',
        { token: TOKENS.owner },
        { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      );
      expect(forgedLogin.status).toBe(403);
      expect(forgedLogin.headers.get('set-cookie')).toBeNull();

      const signedOut = visitor(endpoint.server.url);
      expect((await signedOut.request(path, { status: 'done', csrf })).status).toBe(401);
      expect((await person.request(path, { status: 'finished', csrf })).status).toBe(400);

      const stored = (await (await call(body.id)).json()) as { status: string };
      expect(stored.status).toBe('submitted');
    });
  });

  describe('the workbench', () => {
    it('shows HTML in suggestions as text, under a strict CSP', async () => {
      const page = uniquePage();
      const attack = '<script>alert(1)</script><img src=x onerror=alert(2)>';
      await create(
        container,
        suggestion(page, `Fix this ${attack}`, {
          category: '<b>bold</b>',
          target: {
            source: page,
            selector: [
              {
                type: 'TextQuoteSelector',
                exact: `quote ${attack}`,
                prefix: '<i>before</i> ',
                suffix: ' <u>after</u>',
              },
            ],
          },
        }),
      );
      const response = await fetch(
        `${endpoint.openServer.url}/triage?page=${encodeURIComponent(page)}`,
      );
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await response.text();
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b>bold');
      expect(html).not.toContain('<i>before');
      expect(html).toContain('Fix this &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x');
      expect(html).toContain('<mark>quote &lt;script&gt;');
      expect(html).toContain('&lt;i&gt;before&lt;/i&gt;');
      expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    });

    it('groups by page with counts of new and unanswered, and shows each suggestion whole', async () => {
      const site = uniqueSite();
      const pageA = `https://${site}/travel`;
      const pageB = `https://${site}/expenses`;
      const signed = await create(
        container,
        suggestion(pageA, 'Name the form', {
          anonymous: false,
          creator: { type: 'Person', name: 'Alice Example' },
          category: 'missing-step',
        }),
      );
      const anonymous = await create(
        container,
        suggestion(pageA, 'Who signs?', { category: 'unclear' }),
      );
      await create(container, suggestion(pageB, 'Old rates'));
      await call(`${signed.body.id}/votes/voter-one-1234`, { method: 'PUT' });
      await call(`${signed.body.id}/votes/voter-two-1234`, { method: 'PUT' });

      const owner = visitor(endpoint.server.url);
      await owner.signIn();
      const csrf = formTokenFrom(await owner.html('/triage'));
      await owner.request(`/triage/suggestions/${idOf(anonymous.body.id)}/status`, {
        status: 'under-review',
        csrf,
      });
      await owner.request(`/triage/suggestions/${idOf(anonymous.body.id)}/replies`, {
        text: 'Your manager signs.',
        key: randomUUID(),
        csrf,
      });

      const html = await owner.html(`/triage?site=${site}`);
      const travel = html.indexOf(`${pageA}</p>`);
      const expenses = html.indexOf(`${pageB}</p>`);
      expect(travel).toBeGreaterThan(0);
      expect(expenses).toBeGreaterThan(0);
      // Newest first: the expenses page's suggestion came last.
      expect(expenses).toBeLessThan(travel);
      expect(html).toContain('2 suggestions: 1 new, 1 unanswered');
      expect(html).toContain('1 suggestion: 1 new, 1 unanswered');

      const named = articleOf(html, idOf(signed.body.id));
      expect(named).toContain('Suggestion from Alice Example');
      expect(named).toContain('Missing step');
      expect(named).toContain('2 people support this');
      expect(named).toContain('just now');
      expect(named).toContain('<span class="context">…3. </span><mark>Manager signs form</mark>');
      expect(named).toContain('href="https://');
      expect(named).toContain('#:~:text=3.-,Manager%20signs%20form,-4."');

      const anon = articleOf(html, idOf(anonymous.body.id));
      expect(anon).toContain('Anonymous suggestion');
      expect(anon).toContain('Unclear');
      expect(anon).toContain('<strong>Under review</strong>');
      expect(anon).toContain('Process owner');
      expect(anon).toContain('Your manager signs.');
      expect(anon).not.toContain('Alice');
      expect(anon).toMatch(/<select name="status">.*<option value="under-review" selected>/s);
    });

    it('shows a suggestion about the whole page without a quote, linking the bare page', async () => {
      const page = uniquePage();
      const { body } = await create(
        container,
        suggestion(page, 'This whole page is out of date', { target: page }),
      );
      const html = await visitor(endpoint.openServer.url).html(
        `/triage?page=${encodeURIComponent(page)}`,
      );
      const article = articleOf(html, idOf(body.id));
      expect(article).toContain('About the whole page');
      expect(article).not.toContain('<mark>');
      expect(article).toContain(`<a href="${page}">Open on the page</a>`);
    });

    it('filters by site, page, status and category, and searches', async () => {
      const site = uniqueSite();
      const other = uniqueSite();
      const page = `https://${site}/onboarding`;
      const ids = {
        laptop: idOf(
          (
            await create(
              container,
              suggestion(page, 'Order the laptop earlier', { category: 'outdated' }),
            )
          ).body.id,
        ),
        badge: idOf(
          (
            await create(
              container,
              suggestion(`https://${site}/badge`, 'Badge photos take weeks', {
                category: 'simplify',
              }),
            )
          ).body.id,
        ),
        elsewhere: idOf(
          (
            await create(
              container,
              suggestion(`https://${other}/x`, 'Laptop bags are missing', { category: 'outdated' }),
            )
          ).body.id,
        ),
      };
      const owner = visitor(endpoint.server.url);
      await owner.signIn();
      await owner.request(`/triage/suggestions/${ids.badge}/status`, {
        status: 'declined',
        csrf: formTokenFrom(await owner.html('/triage')),
      });
      const shown = async (query: Record<string, string>) => {
        const html = await owner.html(`/triage?${new URLSearchParams(query)}`);
        return Object.entries(ids)
          .filter(([, id]) => html.includes(`<article id="s-${id}"`))
          .map(([name]) => name)
          .sort();
      };
      expect(await shown({ site })).toEqual(['badge', 'laptop']);
      expect(await shown({ page })).toEqual(['laptop']);
      expect(await shown({ site, status: 'declined' })).toEqual(['badge']);
      expect(await shown({ category: 'outdated', q: 'laptop' })).toEqual(['elsewhere', 'laptop']);
      expect(await shown({ site, category: 'outdated' })).toEqual(['laptop']);
      // Words are matched from their start, in any order, case aside.
      expect(await shown({ q: 'LAPT orde' })).toEqual(['laptop']);
      expect(await shown({ q: 'badge weeks', site })).toEqual(['badge']);
      expect(await shown({ q: 'nothing-like-this-anywhere' })).toEqual([]);
      // The site list offers the sites that have suggestions.
      expect(await owner.html('/triage')).toContain(`<option value="${site}">`);
    });

    it('sorts by support and by oldest unanswered', async () => {
      const site = uniqueSite();
      const made: string[] = [];
      for (const text of ['first', 'second', 'third']) {
        made.push(
          (await create(container, suggestion(`https://${site}/p`, `${text} idea`))).body.id,
        );
      }
      const [first, second, third] = made as [string, string, string];
      await call(`${second}/votes/voter-one-1234`, { method: 'PUT' });
      await call(`${second}/votes/voter-two-1234`, { method: 'PUT' });
      await call(`${third}/votes/voter-one-1234`, { method: 'PUT' });
      const owner = visitor(endpoint.server.url);
      await owner.signIn();
      await owner.request(`/triage/suggestions/${idOf(first)}/replies`, {
        text: 'Answered',
        key: randomUUID(),
        csrf: formTokenFrom(await owner.html('/triage')),
      });
      const order = async (sort: string) => {
        const html = await owner.html(`/triage?site=${site}&sort=${sort}`);
        return made
          .map((iri) => ({ iri, at: html.indexOf(`<article id="s-${idOf(iri)}"`) }))
          .filter((entry) => entry.at >= 0)
          .sort((a, b) => a.at - b.at)
          .map((entry) => made.indexOf(entry.iri));
      };
      expect(await order('newest')).toEqual([2, 1, 0]);
      expect(await order('supported')).toEqual([1, 2, 0]);
      expect(await order('unanswered')).toEqual([1, 2]);
    });

    it('pages beyond the first screen with a Next page link, nothing twice, nothing lost', async () => {
      const page = uniquePage();
      const made = new Set<string>();
      for (let index = 0; index < 57; index += 1) {
        made.add(idOf((await create(container, suggestion(page, `idea ${index}`))).body.id));
      }
      // Searching too: a word all of them share, then one screen from each search plan.
      for (const view of [
        { sort: 'newest' },
        { sort: 'supported' },
        { sort: 'unanswered' },
        { q: 'idea' },
      ] as Record<string, string>[]) {
        const seen: string[] = [];
        let next: string | undefined = `/triage?${new URLSearchParams({ page, ...view })}`;
        let screens = 0;
        while (next) {
          const html = await visitor(endpoint.openServer.url).html(next);
          seen.push(...[...html.matchAll(/<article id="s-([0-9a-f-]+)"/g)].map((m) => m[1] ?? ''));
          const link = html.match(/<a href="([^"]+)" rel="next">Next page<\/a>/);
          next = link?.[1]?.replaceAll('&amp;', '&');
          screens += 1;
        }
        expect(screens).toBe(2);
        expect(seen).toHaveLength(57);
        expect(new Set(seen)).toEqual(made);
      }
    });
  });
});

describe('two triage instances on one PostgreSQL', () => {
  let postgres: TestPostgres;
  let first: RunningServer;
  let second: RunningServer;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    [first, second] = await Promise.all([
      startServer({ port: 0, databaseUrl: postgres.databaseUrl, tokens: OWNER_TOKENS }),
      startServer({ port: 0, databaseUrl: postgres.databaseUrl, tokens: OWNER_TOKENS }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await postgres?.stop();
  });

  it('signs in on one, sets a status and replies on the other, and survives a restart', async () => {
    const { body } = await create(first.containerUrl, suggestion(uniquePage(), 'Shared idea'));
    const id = idOf(body.id);
    const onFirst = visitor(first.url);
    expect((await onFirst.signIn()).status).toBe(303);

    const onSecond = onFirst.on(second.url);
    const page = await onSecond.html('/triage');
    expect(page).toContain('Shared idea');
    const csrf = formTokenFrom(page);
    const status = await onSecond.request(`/triage/suggestions/${id}/status`, {
      status: 'planned',
      csrf,
    });
    expect(status.status).toBe(303);
    const reply = await onSecond.request(`/triage/suggestions/${id}/replies`, {
      text: 'On the roadmap',
      key: randomUUID(),
      csrf,
    });
    expect(reply.status).toBe(303);

    // A restart of the first instance signs nobody out.
    await first.close();
    first = await startServer({
      port: 0,
      databaseUrl: postgres.databaseUrl,
      tokens: OWNER_TOKENS,
    });
    const again = await onFirst.on(first.url).html('/triage');
    const article = articleOf(again, id);
    expect(article).toContain('<strong>Planned</strong>');
    expect(article).toContain('On the roadmap');
    expect(formTokenFrom(again)).toBe(csrf);
    const stored = (await (await call(`${second.containerUrl}${id}`)).json()) as {
      status: string;
    };
    expect(stored.status).toBe('planned');
  });

  it('behind a TLS proxy, takes forms from the public origin and sets a Secure cookie', async () => {
    const publicUrl = 'https://triage.intranet.example';
    const behindProxy = await startServer({
      port: 0,
      databaseUrl: postgres.databaseUrl,
      tokens: OWNER_TOKENS,
      publicUrl,
    });
    try {
      const login = (origin: string) =>
        fetch(`${behindProxy.url}/triage/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            // No Sec-Fetch-Site (an older browser): the Origin alone must be the public one.
            Origin: origin,
          },
          body: new URLSearchParams({ token: TOKENS.owner }).toString(),
        });
      expect((await login(behindProxy.url.replace('127.0.0.1', 'localhost'))).status).toBe(403);
      const signedIn = await login(publicUrl);
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
      const forged = await fetch(`${behindProxy.url}/triage/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: 'https://evil.example',
          'Sec-Fetch-Site': 'cross-site',
        },
        body: new URLSearchParams({ token: TOKENS.owner }).toString(),
      });
      expect(forged.status).toBe(403);
    } finally {
      await behindProxy.close();
    }
  });

  it('reads every screen through indexes, at 20,000 suggestions', async () => {
    const database = first.database;
    await database.query(`INSERT INTO annotations (id, kind, target_source, document, status, vote_count)
      SELECT gen_random_uuid(), 'suggestion',
             'https://site' || (i % 20) || '.intranet.example/page/' || (i % 2000),
             jsonb_build_object('type', 'Annotation', 'motivation', 'editing',
               'category', (ARRAY['unclear', 'missing-step', 'outdated', 'simplify', 'other'])[1 + i % 5],
               'body', jsonb_build_array(jsonb_build_object('type', 'TextualBody',
                 'purpose', 'editing', 'value', 'Idea ' || i || ' about step' || (i % 997)))),
             (ARRAY['submitted', 'under-review', 'planned', 'done', 'declined'])[1 + (i / 7) % 5],
             i % 13
        FROM generate_series(1, 20000) AS i`);
    await database.query(`INSERT INTO annotations (id, kind, target_source, parent_id, document, from_owner)
      SELECT gen_random_uuid(), 'reply', target_source, id, '{"body": [{"value": "ok"}]}', seq % 2 = 0
        FROM annotations WHERE kind = 'suggestion' AND seq % 5 = 0`);
    await database.query('ANALYZE annotations');

    const seen: { sql: string; params: readonly unknown[] }[] = [];
    const recording: Database = {
      ...database,
      query: (sql, params = []) => {
        seen.push({ sql, params });
        return database.query(sql, params);
      },
    };
    const queries = createTriageQueries(recording);
    const views = [
      '',
      'sort=supported',
      'sort=unanswered',
      'status=done',
      'site=site3.intranet.example',
      'category=outdated',
      'page=https://site3.intranet.example/page/3',
      'q=idea',
      'q=step12',
      'q=nowhere',
      'site=site3.intranet.example&status=planned&sort=supported&q=idea',
      'sort=supported&after=6.15000',
    ];
    for (const view of views) {
      const screen = await queries.screen(readFilter(new URLSearchParams(view)), 50);
      if (!view.includes('nowhere')) expect(screen.suggestions.length).toBeGreaterThan(0);
    }
    await queries.sites(200);
    expect(seen.length).toBeGreaterThan(views.length * 3);
    for (const { sql, params } of seen) {
      const [plan] = await database.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        params,
      );
      const text = JSON.stringify(plan?.['QUERY PLAN']);
      expect(text, sql).not.toContain('"Seq Scan"');
    }
  }, 60_000);
});
