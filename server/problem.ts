// Error answers as RFC 9457 problem details, with `error` as a stable machine-readable code
// so clients need not parse the human title.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  error: string,
  title: string,
  detail?: unknown,
): Response {
  const body = {
    type: `urn:flywheel:problem:${error}`,
    title,
    status,
    error,
    ...(detail === undefined ? {} : { detail }),
  };
  return c.body(JSON.stringify(body), status, { 'Content-Type': PROBLEM_MEDIA_TYPE });
}
