// Bearer tokens with a role each. With no tokens configured the endpoint is open (demo mode).
import { createHash, timingSafeEqual } from 'node:crypto';

export const ROLES = ['read', 'write', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenGrant {
  token: string;
  role: Role;
}

/** A bare string is a `write` token: what an extension install needs. */
export type TokenSetting = string | TokenGrant;

const ROLE_RANK: Record<Role, number> = { read: 0, write: 1, owner: 2 };

export function roleAllows(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

/**
 * Parses `FLYWHEEL_TOKENS`: comma-separated entries, each `token` (write) or `role:token`
 * with role `read`, `write` or `owner`.
 */
export function parseTokenList(value: string | undefined): TokenGrant[] {
  if (!value) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const separator = entry.indexOf(':');
      const maybeRole = separator > 0 ? entry.slice(0, separator) : '';
      if ((ROLES as readonly string[]).includes(maybeRole)) {
        return { role: maybeRole as Role, token: entry.slice(separator + 1) };
      }
      return { role: 'write', token: entry };
    });
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export interface TokenRegistry {
  /** False when no tokens are configured and every request is let in. */
  readonly required: boolean;
  roleOf(token: string): Role | undefined;
}

export function createTokenRegistry(settings: readonly TokenSetting[] = []): TokenRegistry {
  // Compare digests in constant time so response timing does not leak token prefixes.
  const grants = settings.map((setting) => {
    const grant = typeof setting === 'string' ? { token: setting, role: 'write' as Role } : setting;
    if (grant.token.length < 8) throw new Error('tokens must be at least 8 characters');
    return { digest: digest(grant.token), role: grant.role };
  });
  return {
    required: grants.length > 0,
    roleOf(token) {
      const candidate = digest(token);
      let role: Role | undefined;
      for (const grant of grants) {
        if (timingSafeEqual(grant.digest, candidate)) role = grant.role;
      }
      return role;
    },
  };
}

/** The token from an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer[ ]+([^\s]+)\s*$/i);
  return match?.[1];
}
