// Two locks against forged form posts. First, hono/csrf: a form post is let in only when the
// browser says it came from this origin (Sec-Fetch-Site: same-origin) or names this origin
// (Origin). Second, every signed-in form carries the session's form token. The page sends
// `Referrer-Policy: same-origin`, so the browser names our origin in its own form posts
// (with `no-referrer` Chromium sends `Origin: null`).
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-env';

export function originGuard(options: {
  /** Extra origins that count as this site (the public URL behind a proxy). */
  trustedOrigins: readonly string[];
  refuse: (c: Context<AppEnv>) => Response | Promise<Response>;
}): MiddlewareHandler<AppEnv> {
  const check = csrf({
    secFetchSite: 'same-origin',
    origin: (origin, c) =>
      origin === new URL(c.req.url).origin || options.trustedOrigins.includes(origin),
  });
  return async (c, next) => {
    try {
      await check(c, next);
    } catch (error) {
      // hono/csrf refuses by throwing; the app's error handler would make that a 500.
      if (error instanceof HTTPException && error.status === 403) return options.refuse(c);
      throw error;
    }
  };
}

export function formTokenMatches(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
