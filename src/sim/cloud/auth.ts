// Bearer-token checks, accepting the token where api.particle.io accepts it:
// the Authorization header, the `access_token` query parameter, or an
// `access_token` field of a form body. Tokens are secrets: nothing here logs them.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export class TokenSet {
  readonly #tokens: Buffer[];

  constructor(tokens: readonly string[]) {
    for (const t of tokens) {
      if (typeof t !== 'string' || t.length === 0) {
        throw new TypeError('Expected every cloud access token to be a non-empty string');
      }
    }
    this.#tokens = tokens.map((t) => Buffer.from(t));
  }

  /** Constant-time comparison, so a test bench never leaks how much of a token matched. */
  accepts(token: string | undefined): boolean {
    if (token === undefined) return false;
    const given = Buffer.from(token);
    let ok = false;
    for (const known of this.#tokens) {
      if (known.length === given.length && timingSafeEqual(known, given)) ok = true;
    }
    return ok;
  }
}

/** A fresh token for a server started without one (40 hex digits, like Particle's). */
export function generateToken(): string {
  return randomBytes(20).toString('hex');
}

/** The token from the header or the query string, if any. */
export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m?.[1] !== undefined) return m[1];
  }
  return url.searchParams.get('access_token') ?? undefined;
}
