// Checks of an endpoint address, shared by the options page and the background.

export type EndpointUrlCheck =
  | { ok: true; url: string }
  | {
      ok: false;
      error: 'errorEndpointMalformed' | 'errorEndpointInsecure' | 'errorEndpointCredentials';
    };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An endpoint must be https (http only on this machine, for development and the demo), with no
 * credentials in the URL; it is normalised to a container URL ending in `/`.
 */
export function checkEndpointUrl(input: string): EndpointUrlCheck {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, error: 'errorEndpointMalformed' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, error: 'errorEndpointMalformed' };
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return { ok: false, error: 'errorEndpointInsecure' };
  }
  if (url.username || url.password) return { ok: false, error: 'errorEndpointCredentials' };
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { ok: true, url: url.href };
}

/** The host permission pattern that lets the background reach an endpoint. */
export function originPattern(endpointUrl: string): string {
  const url = new URL(endpointUrl);
  return `${url.protocol}//${url.hostname}/*`;
}
