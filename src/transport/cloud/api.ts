// particle-api-js pointed at the bench's cloud. Each client gets its own
// http(s) agent, so the rig can cut its connections (a stream it stops, a
// request past its deadline): particle-api-js itself cannot cancel.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import Particle from 'particle-api-js';
import { InfraError } from '../../core/errors.js';

export interface CloudAccess {
  /** API base URL, e.g. https://api.particle.io. */
  api: string;
  /** Resolved access token: never printed, never in an error or report. */
  token: string;
}

export interface ApiClient {
  particle: Particle;
  /** Cuts every connection this client opened. */
  destroy(): void;
}

export function apiClient(cloud: CloudAccess): ApiClient {
  let url: URL;
  try {
    url = new URL(cloud.api);
  } catch {
    throw new InfraError(`the cloud API URL ${JSON.stringify(cloud.api)} is not a URL`, 'fix cloud.api in the bench file');
  }
  const agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: false }) : new HttpAgent({ keepAlive: false });
  const particle = new Particle({ baseUrl: cloud.api.replace(/\/+$/, ''), auth: cloud.token, httpAgent: agent });
  return { particle, destroy: () => agent.destroy() };
}

/** A request that got no reply within its limit (its connections were cut). */
export class CloudRequestTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no reply within ${ms} ms`);
    this.name = 'CloudRequestTimeout';
  }
}

/**
 * Runs one particle-api-js request with a limit and a cancellation: cutting
 * the client's connections is the only way to stop one. Past the limit it
 * throws CloudRequestTimeout; on abort, the signal's reason.
 */
export async function boundedRequest<T>(cloud: CloudAccess, o: { ms: number; signal?: AbortSignal }, run: (particle: Particle) => Promise<T>): Promise<T> {
  const client = apiClient(cloud);
  let timedOut = false;
  const cut = (): void => client.destroy();
  const timer = setTimeout(() => {
    timedOut = true;
    cut();
  }, o.ms);
  o.signal?.addEventListener('abort', cut, { once: true });
  try {
    return await run(client.particle);
  } catch (err) {
    o.signal?.throwIfAborted();
    if (timedOut) throw new CloudRequestTimeout(o.ms);
    throw err;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', cut);
    client.destroy();
  }
}
