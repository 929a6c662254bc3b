// Switches a board's power through the USB hub port it hangs on, with
// uhubctl (`uhubctl -l <location> -p <port> -a off|on|cycle`). A board whose
// bench entry names no hub port cannot be switched: UnsupportedError, and
// the power step is a SKIP with that reason. uhubctl failing is an InfraError.
import { execa } from 'execa';
import { type PowerAction } from '../core/board-contract.js';
import { UnsupportedError, InfraError, TimeoutError } from '../core/errors.js';
import type { BenchAccess } from '../core/bench-access.js';

export interface HubPort {
  /** Hub location as uhubctl names it, e.g. "1-1.4". */
  location: string;
  port: number;
}

export interface PowerBoard {
  name: string;
  power?: { uhubctl: HubPort } | undefined;
}

export interface PowerOptions {
  /** Wall ms before uhubctl is killed. Default 30 s (a cycle waits 2 s between off and on). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function uhubctlArgs(hub: HubPort, action: PowerAction): string[] {
  if (!/^\d+(-\d+(\.\d+)*)?$/.test(hub.location)) throw new RangeError(`Expected a hub location like 1-1.4, got ${JSON.stringify(hub.location)}`);
  if (!Number.isInteger(hub.port) || hub.port < 1) throw new RangeError(`Expected a hub port number from 1, got ${String(hub.port)}`);
  return ['-l', hub.location, '-p', String(hub.port), '-a', action];
}

/** The error for a failed run; undefined when uhubctl did what it was asked. */
export function uhubctlFailure(run: { program: string; spawnCode?: string | undefined; exitCode: number | undefined; output: string }, hub: HubPort): InfraError | undefined {
  if (run.spawnCode === 'ENOENT') return new InfraError(`uhubctl is not installed (no program '${run.program}' on PATH)`, 'apt-get install uhubctl, or name its path in the bench tools');
  if (run.exitCode === 0) return undefined;
  if (/No compatible (devices|hubs) detected/i.test(run.output)) {
    return new InfraError(`no switchable USB hub at ${hub.location} (port ${hub.port})`, 'check the hub location and port in the bench file; `uhubctl` with no arguments lists the hubs it can switch');
  }
  if (/permission/i.test(run.output)) {
    return new InfraError(`uhubctl may not switch the hub at ${hub.location}`, "install uhubctl's udev rules or give the rig access to USB");
  }
  const last = run.output.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? 'no output';
  return new InfraError(`uhubctl failed (exit ${run.exitCode ?? 'unknown'}): ${last}`, `check the hub at ${hub.location}`);
}

/** Switches the board's hub port; returns what uhubctl said. */
export async function switchPower(access: Pick<BenchAccess, 'tools'>, board: PowerBoard, action: PowerAction, o: PowerOptions = {}): Promise<{ messages: string[] }> {
  const hub = board.power?.uhubctl;
  if (!hub) throw new UnsupportedError(`no uhubctl port named for ${board.name}`);
  const program = access.tools?.uhubctl ?? 'uhubctl';
  const ms = o.timeoutMs ?? 30_000;
  o.signal?.throwIfAborted();
  const r = await execa(program, uhubctlArgs(hub, action), { reject: false, all: true, timeout: ms, cancelSignal: o.signal, forceKillAfterDelay: 2000, stdin: 'ignore' });
  if (r.isCanceled) throw o.signal?.reason ?? new Error('uhubctl cancelled');
  if (r.timedOut) throw new InfraError(`uhubctl did not finish within ${ms} ms and was killed`, `check the hub at ${hub.location}`, { cause: new TimeoutError('uhubctl', ms) });
  const output = String(r.all ?? '');
  const failure = uhubctlFailure({ program, spawnCode: (r as { code?: string }).code, exitCode: r.exitCode, output }, hub);
  if (failure) throw failure;
  return { messages: output.split('\n').map((l) => l.trim()).filter(Boolean) };
}
