// OTA through the cloud: PUT /v1/devices/:id with the image as the `file`
// part (particle-api-js flashDevice). The reply only says the update
// started (or is pending); whether it took effect is for the events and
// the running app hash to show. A refusal by the cloud is the firmware's
// (FlashRejectedError); not reaching the cloud is the rig's (InfraError).
import { FlashRejectedError } from '../../core/errors.js';
import type { DeviceId } from '../../core/domain.js';
import { boundedRequest, CloudRequestTimeout, type CloudAccess } from './api.js';
import { deviceFunctions } from './function.js';
import { cloudInfraError, describeCloudFailure } from './failure.js';

export interface OtaReply {
  statusCode: number;
  /** "Update started", "Update pending"... */
  status: string;
  body: Record<string, unknown>;
}

export const OTA_REQUEST_MS = 60_000;

export async function flashOverCloud(
  cloud: CloudAccess,
  id: DeviceId,
  fw: { name: string; image: Buffer },
  o: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<OtaReply> {
  const ms = o.timeoutMs ?? OTA_REQUEST_MS;
  try {
    const reply = await boundedRequest(cloud, { ms, signal: o.signal }, (particle) => particle.flashDevice({ deviceId: id, files: { [`${fw.name}.bin`]: fw.image } }));
    const body = (reply.body ?? {}) as unknown as Record<string, unknown>;
    return { statusCode: reply.statusCode, status: typeof body.status === 'string' ? body.status : '', body };
  } catch (err) {
    o.signal?.throwIfAborted();
    if (err instanceof CloudRequestTimeout) throw cloudInfraError({ status: undefined, text: err.message }, `the OTA flash of ${id}`, cloud.api);
    const f = describeCloudFailure(err, cloud.token);
    if (f.status !== undefined && f.status >= 400 && f.status < 500 && f.status !== 401 && f.status !== 403) {
      throw new FlashRejectedError(`the cloud refused the OTA update of ${id}: ${f.text}`, 'ota', [`cloud: HTTP ${f.status}: ${f.text}`]);
    }
    throw cloudInfraError(f, `the OTA flash of ${id}`, cloud.api);
  }
}

/** Whether the cloud says the device is connected right now (GET /v1/devices/:id). */
export async function deviceConnected(cloud: CloudAccess, id: DeviceId, o: { timeoutMs?: number } = {}): Promise<boolean> {
  return (await deviceFunctions(cloud, id, o)).connected;
}
