import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { CATEGORIES, type Category } from '@/utils/shared/suggestion';
import type { AuthMode } from '@/utils/shared/sync-status';

/** A policy value that is missing, or of the wrong shape: either way, not set. */
const optional = <T extends v.GenericSchema>(schema: T) =>
  v.fallback(v.optional(schema), undefined);

/**
 * What an administrator may set by policy (managed storage, see public/managed-schema.json).
 * A value of the wrong shape is ignored on its own, never the whole policy.
 */
const PolicySchema = v.object({
  endpointUrl: optional(v.pipe(v.string(), v.maxLength(2_048))),
  /** How Flywheel signs in to the endpoint: a bearer token, or the intranet's cookies. */
  authMode: optional(v.picklist(['token', 'session'])),
  sites: optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(300))), v.maxLength(500))),
  /** False: the editor offers no "Submit anonymously". */
  allowAnonymous: optional(v.boolean()),
  /**
   * The categories to offer, in this order. Ids this version does not know are left out (a
   * policy may be written for a newer one); a list with none it knows is not set.
   */
  categories: optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.maxLength(100))),
      v.maxLength(50),
      v.transform((ids) =>
        CATEGORIES.filter((category) => ids.includes(category)).sort(
          (a, b) => ids.indexOf(a) - ids.indexOf(b),
        ),
      ),
      v.minLength(1),
    ),
  ),
  /** False: the editor offers no screenshot. */
  allowScreenshot: optional(v.boolean()),
});
export type Policy = v.InferOutput<typeof PolicySchema>;

/** The policy in force; nothing where there is none (Firefox throws then, Chromium answers {}). */
export async function readPolicy(): Promise<Policy> {
  let managed: unknown;
  try {
    managed = await browser.storage.managed.get();
  } catch {
    // No policy is the normal case on most machines, not an error to report.
    return {};
  }
  const parsed = v.safeParse(PolicySchema, managed ?? {});
  return parsed.success ? parsed.output : {};
}

// What the rest of Flywheel asks of the policy. Each answers for "no policy" too.

/** The categories the editor offers. */
export function offeredCategories(policy: Policy): readonly Category[] {
  return policy.categories ?? CATEGORIES;
}

/** Whether a suggestion may be submitted anonymously. */
export function anonymityAllowed(policy: Policy): boolean {
  return policy.allowAnonymous !== false;
}

/** Whether a screenshot may be attached to a suggestion. */
export function screenshotAllowed(policy: Policy): boolean {
  return policy.allowScreenshot !== false;
}

/** How to sign in to the endpoint: the policy's way, else the person's. */
export function authModeInForce(policy: Policy, chosen: AuthMode): AuthMode {
  return policy.authMode ?? chosen;
}

/**
 * The policy's settings the options page shows locked (beside `endpointFromPolicy`), for
 * getSettings' answer: only what the policy sets.
 */
export function lockedSettings(policy: Policy): {
  authMode?: AuthMode;
  allowAnonymous?: boolean;
  categories?: Category[];
  allowScreenshot?: boolean;
} {
  const { authMode, allowAnonymous, categories, allowScreenshot } = policy;
  return Object.fromEntries(
    Object.entries({ authMode, allowAnonymous, categories, allowScreenshot }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}
