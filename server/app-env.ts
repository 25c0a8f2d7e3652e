import type { Role } from './auth';

/** Hono context variables the middlewares set for the routes. */
export interface AppEnv {
  Variables: {
    /** The caller's role; undefined only when the endpoint is open (no tokens). */
    role: Role | undefined;
    /** The signed-in user named by the trusted proxy, when that mode is on and it vouched. */
    verifiedUser: string | undefined;
    /** Random per request, in the logs and the `Request-Id` header; it identifies no one. */
    requestId: string;
  };
}
