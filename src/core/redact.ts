// A secret (a Particle token, Redis credentials) never appears in a report,
// a log or an error: text that may have echoed one (tool output, an HTTP
// error) goes through here first.

/** Replaces every occurrence of the secret; secrets under 4 characters are not searched for. */
export function redactSecret(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join('***') : text;
}
