import * as v from 'valibot';
import { browser } from 'wxt/browser';

/**
 * What an administrator may set by policy (managed storage, see public/managed-schema.json).
 * A value of the wrong shape is ignored on its own, never the whole policy.
 */
const PolicySchema = v.object({
  endpointUrl: v.fallback(v.optional(v.pipe(v.string(), v.maxLength(2_048))), undefined),
  sites: v.fallback(
    v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(300))), v.maxLength(500))),
    undefined,
  ),
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
