// The per-suggestion author secret (docs/protocol.md, "Authorship").

/** 32 random bytes as base64url: 43 characters, unguessable, and linked to nothing. */
export function newAuthorSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
