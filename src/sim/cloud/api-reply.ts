// JSON replies and the error bodies the real Particle Cloud API sends.
// Where the real shape could not be confirmed, the choice is marked so.
import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Error replies, by cause. Each names the status and body the rig's client will see. */
export const apiError = {
  /** No token, or one the server does not know (OAuth2 bearer error, as api.particle.io). */
  invalidToken(res: ServerResponse, missing: boolean): void {
    sendJson(
      res,
      401,
      {
        error: 'invalid_token',
        error_description: missing ? 'The access token was not found' : 'The access token provided is invalid.',
      },
      { 'WWW-Authenticate': 'Bearer realm="particle", error="invalid_token"' },
    );
  },

  /** Unknown device ID or name: the real API answers 403 and never says whether it exists. */
  unknownDevice(res: ServerResponse): void {
    sendJson(res, 403, {
      ok: false,
      error: 'Permission Denied',
      info: "I didn't recognize that device name or ID",
    });
  },

  /**
   * The device has no cloud session. UNCONFIRMED wording; 404 is the
   * documented status for it. `connected: false` as the function call's
   * reply field says it; a client should ask GET /v1/devices/:id, not parse this.
   */
  offline(res: ServerResponse): void {
    sendJson(res, 404, { ok: false, connected: false, error: 'Device is not connected' });
  },

  /** A cloud function the device's app did not register. UNCONFIRMED wording. */
  unknownFunction(res: ServerResponse, name: string): void {
    sendJson(res, 404, { ok: false, error: `Function ${name} not found` });
  },

  /** An update is already being transferred. UNCONFIRMED: the real API's reply was not found. */
  busy(res: ServerResponse): void {
    sendJson(res, 409, { ok: false, error: 'An update is already in progress on this device' });
  },

  badRequest(res: ServerResponse, error: string): void {
    sendJson(res, 400, { ok: false, error });
  },

  tooLarge(res: ServerResponse, limit: number): void {
    sendJson(res, 413, { ok: false, error: `Request body is larger than ${limit} bytes` });
  },

  notFound(res: ServerResponse): void {
    sendJson(res, 404, { ok: false, error: 'Not found' });
  },

  methodNotAllowed(res: ServerResponse, allow: string[]): void {
    sendJson(res, 405, { ok: false, error: 'Method not allowed' }, { Allow: allow.join(', ') });
  },
};
