// Client of a bench control service (HTTP JSON on loopback): what faults it
// can impose, power for a board, faults now or armed at a transfer
// percentage, read back (waiting, or fired and where) and disarmed. A
// bench without one, or one that cannot do a kind of fault,
// is an UnsupportedError (the step is a SKIP); a service that does not
// answer is an InfraError.
import { type ArmableTransfer, type ArmedFault, type ArmedFaultStatus, type FaultSpec, type PowerAction } from '../core/board-contract.js';
import { UnsupportedError, InfraError } from '../core/errors.js';
import type { DeviceId } from '../core/domain.js';

export const CONTROL_CALL_MS = 5000;

export interface BenchControl {
  readonly api: string;
  /** Kinds of fault it can impose, plus "power" and "armed" when it can do those. */
  capabilities(signal?: AbortSignal): Promise<string[]>;
  power(id: DeviceId, action: PowerAction, signal?: AbortSignal): Promise<void>;
  fault(id: DeviceId, f: FaultSpec | ArmedFault, signal?: AbortSignal): Promise<void>;
  /** The faults armed on the board since the last disarm: waiting, or fired and where. */
  armedFaults(id: DeviceId, signal?: AbortSignal): Promise<ArmedFaultStatus[]>;
  /** Disarms what still waits and forgets what fired (of one transfer, or all); returns those faults as they stood. */
  disarm(id: DeviceId, o?: { transfer?: ArmableTransfer; signal?: AbortSignal }): Promise<ArmedFaultStatus[]>;
}

async function call(api: string, method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  const url = `${api.replace(/\/$/, '')}${path}`;
  const timeout = AbortSignal.timeout(CONTROL_CALL_MS);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    const why = timeout.aborted ? `no answer within ${CONTROL_CALL_MS} ms` : ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
    throw new InfraError(`the bench control service at ${api} cannot be reached (${method} ${path}: ${why})`, 'is the bench control service running?', { cause: err });
  }
  const text = await res.text();
  let error = text;
  try {
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (res.ok) return parsed;
    if (parsed && typeof parsed === 'object' && 'error' in parsed) error = String(parsed.error);
  } catch {
    if (res.ok) throw new InfraError(`the bench control service at ${api} answered ${method} ${path} with something that is not JSON`);
  }
  if (res.status === 501) throw new UnsupportedError(`the bench cannot do this: ${error}`);
  if (res.status === 404) throw new InfraError(`the bench control service at ${api} does not know ${path}: ${error}`, 'is the board on this bench, and the bench file right?');
  throw new InfraError(`the bench control service at ${api} refused ${method} ${path} (${res.status}): ${error}`);
}

const boardPath = (id: DeviceId, what: 'power' | 'faults'): string => `/v1/boards/${encodeURIComponent(id)}/${what}`;

export function benchControl(api: string): BenchControl {
  let known: Promise<string[]> | undefined;
  const capabilities = (signal?: AbortSignal): Promise<string[]> => {
    known ??= call(api, 'GET', '/v1/capabilities', undefined, signal).then((body) => {
      const faults = body && typeof body === 'object' && 'faults' in body ? body.faults : undefined;
      if (!Array.isArray(faults)) throw new InfraError(`the bench control service at ${api} answered /v1/capabilities without a faults list`);
      return faults.map(String);
    });
    // A failed look is not remembered: the next call asks again.
    known.catch(() => (known = undefined));
    return known;
  };
  const require = async (kind: string, why: string, signal?: AbortSignal): Promise<void> => {
    const caps = await capabilities(signal);
    if (!caps.includes(kind)) throw new UnsupportedError(`${why}: the bench control service can do ${caps.join(', ') || 'nothing'}`);
  };
  return {
    api,
    capabilities,
    async power(id, action, signal) {
      await require('power', `the bench cannot switch power (${action})`, signal);
      await call(api, 'POST', boardPath(id, 'power'), { action }, signal);
    },
    async fault(id, f, signal) {
      const armed = 'at' in f;
      const fault = armed ? f.fault : f;
      await require(fault.kind, `the bench cannot impose a ${fault.kind} fault`, signal);
      if (armed) await require('armed', `the bench cannot arm a ${fault.kind} fault at ${f.at.percent} % of a ${f.at.transfer} transfer`, signal);
      await call(api, 'POST', boardPath(id, 'faults'), armed ? { fault, at: f.at } : { fault }, signal);
    },
    async armedFaults(id, signal) {
      return statusList(api, await call(api, 'GET', boardPath(id, 'faults'), undefined, signal), 'armed');
    },
    async disarm(id, o) {
      const path = `${boardPath(id, 'faults')}${o?.transfer ? `?transfer=${o.transfer}` : ''}`;
      return statusList(api, await call(api, 'DELETE', path, undefined, o?.signal), 'disarmed');
    },
  };
}

/** The armed faults in a reply, checked enough that a wrong service is an InfraError, not a crash later. */
function statusList(api: string, body: unknown, key: 'armed' | 'disarmed'): ArmedFaultStatus[] {
  const list = body && typeof body === 'object' && key in body ? (body as Record<string, unknown>)[key] : undefined;
  const wellFormed = Array.isArray(list) && list.every((a: unknown) => {
    const r = a as Partial<ArmedFaultStatus> | null;
    return !!r && typeof r.fault?.kind === 'string' && typeof r.at?.transfer === 'string' && typeof r.at.percent === 'number';
  });
  if (!wellFormed) throw new InfraError(`the bench control service at ${api} answered its armed faults without a '${key}' list of faults and transfers`);
  return list as ArmedFaultStatus[];
}

/** The control of a bench, or an UnsupportedError that says why there is none. */
export function requireBenchControl(control: { api: string } | undefined, what: string): BenchControl {
  if (!control) throw new UnsupportedError(`${what}: this bench has no bench control service`);
  return benchControl(control.api);
}
