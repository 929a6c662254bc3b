// particle-api-js pointed at the bench's cloud. Each client gets its own
// http(s) agent, so the rig can cut its connections (a stream it stops, a
// request past its deadline): particle-api-js itself cannot cancel.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import Particle from 'particle-api-js';
import { InfraError } from '../../errors.js';

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
