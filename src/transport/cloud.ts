// The Particle Cloud as the rig uses it, through particle-api-js 12: OTA
// flash, whether a device is connected, cloud function calls, and a
// per-device event capture (events.ndjson) that survives dropped streams.
// Base URL and token come from the bench (BenchAccess.cloud); the token
// never appears in errors, logs or files.
import type { DeviceId } from '../core/domain.js';
import type { CloudAccess } from './cloud/api.js';
import { CloudEventLog } from './cloud/event-capture.js';
import { DeviceEventStream, RECONNECT_BACKOFF_MS } from './cloud/event-stream.js';

export type { CloudAccess } from './cloud/api.js';
export { flashOverCloud, deviceConnected, OTA_REQUEST_MS, type OtaReply } from './cloud/flash.js';
export { callCloudFunction, deviceFunctions, FUNCTION_REQUEST_MS, type FunctionReply } from './cloud/function.js';
export { CloudEventLog } from './cloud/event-capture.js';
export { DeviceEventStream, RECONNECT_BACKOFF_MS, type StreamedEvent } from './cloud/event-stream.js';

export interface DeviceEventCapture {
  readonly log: CloudEventLog;
  readonly stream: DeviceEventStream;
  /** Ends the stream and every waiter; leaves events.ndjson complete. */
  stop(): void;
}

/**
 * Starts capturing the device's events into `file`. Rejects with an
 * InfraError when the cloud cannot be reached or refuses the token.
 */
export async function captureDeviceEvents(
  cloud: CloudAccess,
  id: DeviceId,
  file: string,
  o: { backoffMs?: readonly number[]; onDrop?: (why: string) => void } = {},
): Promise<DeviceEventCapture> {
  const log = new CloudEventLog(file, cloud.token);
  const stream = new DeviceEventStream(cloud, id, { onEvent: (e) => log.add(e), onDrop: o.onDrop }, o.backoffMs ?? RECONNECT_BACKOFF_MS);
  await stream.start();
  return {
    log,
    stream,
    stop() {
      stream.stop();
      log.close();
    },
  };
}
