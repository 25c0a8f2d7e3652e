import type { Role } from './auth';

/** Hono context variables the middlewares set for the routes. */
export interface AppEnv {
  Variables: {
    /** The caller's role; undefined only when the endpoint is open (no tokens). */
    role: Role | undefined;
  };
}
