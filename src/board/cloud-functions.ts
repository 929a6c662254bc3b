// A board's cloud functions through the bench's cloud (particle-api-js
// callFunction), with the request limit scaled to the bench. Undefined when
// the bench names no cloud: a call step is then a SKIP.
import type { DeviceId } from '../core/domain.js';
import { callCloudFunction, FUNCTION_REQUEST_MS } from '../transport/cloud.js';
import type { BenchAccess } from '../core/bench-access.js';
import type { BenchClock } from '../core/clock.js';
import type { CloudFunctions } from '../core/board-contract.js';

export function cloudFunctionsFor(access: BenchAccess, clock: BenchClock, id: DeviceId): CloudFunctions | undefined {
  const cloud = access.cloud;
  if (!cloud) return undefined;
  return {
    async call(name, arg, signal) {
      const reply = await callCloudFunction(cloud, id, { name, arg }, { signal, timeoutMs: clock.wallMsWithRigWork(FUNCTION_REQUEST_MS, 10_000) });
      if (reply.kind === 'returned') return reply;
      return { kind: 'refused', text: `HTTP ${reply.status}: ${reply.text}`, connected: reply.connected, functions: reply.functions };
    },
  };
}
