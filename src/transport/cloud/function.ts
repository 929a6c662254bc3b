// Cloud function calls: POST /v1/devices/:id/:name through particle-api-js
// callFunction. A return value is the device's answer; a refusal (4xx) is
// explained from the device as the cloud lists it (connected, the functions
// its app registered), not from the error wording, which differs between
// clouds. Not reaching the cloud, or a refused token, is the rig's (InfraError).
import type { DeviceId } from '../../domain.js';
import { apiClient, type CloudAccess } from './api.js';
import { cloudInfraError, describeCloudFailure } from './failure.js';

export const FUNCTION_REQUEST_MS = 60_000;

export type FunctionReply =
  | { kind: 'returned'; value: number }
  /** The cloud refused the call: its words, and the device as the cloud lists it right after. */
  | { kind: 'refused'; status: number; text: string; connected: boolean; functions: string[] };

/** What the cloud knows of a device: whether it is online and the functions its app registered. */
export async function deviceFunctions(cloud: CloudAccess, id: DeviceId, o: { timeoutMs?: number } = {}): Promise<{ connected: boolean; functions: string[] }> {
  const client = apiClient(cloud);
  const timer = setTimeout(() => client.destroy(), o.timeoutMs ?? 10_000);
  try {
    const body = (await client.particle.getDevice({ deviceId: id })).body as { connected?: unknown; functions?: unknown };
    const functions = Array.isArray(body.functions) ? body.functions.filter((f): f is string => typeof f === 'string') : [];
    return { connected: body.connected === true, functions };
  } catch (err) {
    throw cloudInfraError(describeCloudFailure(err, cloud.token), `looking up device ${id}`, cloud.api);
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

export async function callCloudFunction(
  cloud: CloudAccess,
  id: DeviceId,
  call: { name: string; arg: string },
  o: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<FunctionReply> {
  const ms = o.timeoutMs ?? FUNCTION_REQUEST_MS;
  const client = apiClient(cloud);
  let timedOut = false;
  // Cutting the client's connections is the only way to stop a particle-api-js request.
  const cut = (): void => client.destroy();
  const timer = setTimeout(() => {
    timedOut = true;
    cut();
  }, ms);
  o.signal?.addEventListener('abort', cut, { once: true });
  try {
    const reply = await client.particle.callFunction({ deviceId: id, name: call.name, argument: call.arg });
    const value = (reply.body as { return_value?: unknown }).return_value;
    if (typeof value !== 'number') throw cloudInfraError({ status: reply.statusCode, text: 'the reply carries no return_value' }, `calling ${call.name} on ${id}`, cloud.api);
    return { kind: 'returned', value };
  } catch (err) {
    o.signal?.throwIfAborted();
    if (timedOut) throw cloudInfraError({ status: undefined, text: `no reply within ${ms} ms` }, `calling ${call.name} on ${id}`, cloud.api);
    const f = describeCloudFailure(err, cloud.token);
    if (f.status !== undefined && f.status >= 400 && f.status < 500 && f.status !== 401 && f.status !== 403) {
      return { kind: 'refused', status: f.status, text: f.text, ...(await deviceFunctions(cloud, id)) };
    }
    throw cloudInfraError(f, `calling ${call.name} on ${id}`, cloud.api);
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', cut);
    client.destroy();
  }
}
