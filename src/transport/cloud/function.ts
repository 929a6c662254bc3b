// Cloud function calls: POST /v1/devices/:id/:name through particle-api-js
// callFunction. A return value is the device's answer; a refusal (4xx) is
// explained from the device as the cloud lists it (connected, the functions
// its app registered), not from the error wording, which differs between
// clouds. Not reaching the cloud, or a refused token, is the rig's (InfraError).
import type { DeviceId } from '../../core/domain.js';
import { boundedRequest, CloudRequestTimeout, type CloudAccess } from './api.js';
import { cloudInfraError, describeCloudFailure } from './failure.js';

export const FUNCTION_REQUEST_MS = 60_000;

export type FunctionReply =
  | { kind: 'returned'; value: number }
  /** The cloud refused the call: its words, and the device as the cloud lists it right after. */
  | { kind: 'refused'; status: number; text: string; connected: boolean; functions: string[] };

/** What the cloud knows of a device (GET /v1/devices/:id): whether it is online and the functions its app registered. */
export async function deviceFunctions(cloud: CloudAccess, id: DeviceId, o: { timeoutMs?: number } = {}): Promise<{ connected: boolean; functions: string[] }> {
  let body: { connected?: unknown; functions?: unknown };
  try {
    body = (await boundedRequest(cloud, { ms: o.timeoutMs ?? 10_000 }, (particle) => particle.getDevice({ deviceId: id }))).body as typeof body;
  } catch (err) {
    const f = err instanceof CloudRequestTimeout ? { status: undefined, text: err.message } : describeCloudFailure(err, cloud.token);
    throw cloudInfraError(f, `looking up device ${id}`, cloud.api);
  }
  const functions = Array.isArray(body.functions) ? body.functions.filter((f): f is string => typeof f === 'string') : [];
  return { connected: body.connected === true, functions };
}

export async function callCloudFunction(
  cloud: CloudAccess,
  id: DeviceId,
  call: { name: string; arg: string },
  o: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<FunctionReply> {
  const ms = o.timeoutMs ?? FUNCTION_REQUEST_MS;
  let reply;
  try {
    reply = await boundedRequest(cloud, { ms, signal: o.signal }, (particle) => particle.callFunction({ deviceId: id, name: call.name, argument: call.arg }));
  } catch (err) {
    o.signal?.throwIfAborted();
    if (err instanceof CloudRequestTimeout) throw cloudInfraError({ status: undefined, text: err.message }, `calling ${call.name} on ${id}`, cloud.api);
    const f = describeCloudFailure(err, cloud.token);
    if (f.status !== undefined && f.status >= 400 && f.status < 500 && f.status !== 401 && f.status !== 403) {
      return { kind: 'refused', status: f.status, text: f.text, ...(await deviceFunctions(cloud, id)) };
    }
    throw cloudInfraError(f, `calling ${call.name} on ${id}`, cloud.api);
  }
  const value = (reply.body as { return_value?: unknown }).return_value;
  if (typeof value !== 'number') throw cloudInfraError({ status: reply.statusCode, text: 'the reply carries no return_value' }, `calling ${call.name} on ${id}`, cloud.api);
  return { kind: 'returned', value };
}
