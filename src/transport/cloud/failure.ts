// What a failed cloud call means, in words without the token. particle-api-js
// rejects with an Error carrying statusCode/body (requests) or with a plain
// object {statusCode?, errorDescription, body?} (event streams).
import { redactSecret } from '../../core/redact.js';
import { InfraError } from '../../core/errors.js';

export interface CloudFailure {
  /** HTTP status, or undefined when the cloud was not reached at all. */
  status: number | undefined;
  /** What the cloud or the network said, token removed. */
  text: string;
}

function field(o: unknown, key: string): unknown {
  return o && typeof o === 'object' && key in o ? (o as Record<string, unknown>)[key] : undefined;
}

export function describeCloudFailure(err: unknown, token: string): CloudFailure {
  const status = field(err, 'statusCode');
  const body = field(err, 'body');
  const said = [field(body, 'error_description'), field(body, 'error'), field(body, 'info')].filter((x): x is string => typeof x === 'string' && x !== '');
  const cause = field(err, 'error');
  const fallback = err instanceof Error ? err.message : String(field(err, 'errorDescription') ?? (cause instanceof Error ? cause.message : err));
  const text = said.length > 0 ? [...new Set(said)].join(': ') : fallback;
  return { status: typeof status === 'number' ? status : undefined, text: redactSecret(text, token) };
}

/**
 * An InfraError for a call the rig could not make: no cloud, a refused token,
 * an unknown device, a cloud error. No `cause`: the raw error holds request
 * details that must not reach a log.
 */
export function cloudInfraError(f: CloudFailure, what: string, api: string): InfraError {
  if (f.status === undefined) return new InfraError(`the cloud at ${api} cannot be reached (${what}): ${f.text}`, 'check the network and cloud.api in the bench file');
  if (f.status === 401) return new InfraError(`the cloud at ${api} refused the access token (${what}): ${f.text}`, 'check the token the bench file names (env: or file:)');
  if (f.status === 403) return new InfraError(`the cloud at ${api} does not let this account reach the device (${what}): ${f.text}`, 'is the device claimed by the account of the token?');
  return new InfraError(`the cloud at ${api} failed ${what} (HTTP ${f.status}): ${f.text}`, undefined);
}
