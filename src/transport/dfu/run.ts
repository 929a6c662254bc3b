// Runs dfu-util through execa 9: with the environment that reaches the
// bench's USB bus, a timeout, and the caller's AbortSignal; either kills the
// child (SIGTERM, then SIGKILL), so no dfu-util outlives its step.
import { execa } from 'execa';
import { usbToolEnv, type BenchAccess } from '../../core/bench-access.js';
import { InfraError, TimeoutError } from '../../core/errors.js';
import type { DfuRun } from './outcome.js';

export type DfuAccess = Pick<BenchAccess, 'usb' | 'tools'>;

export interface RunDfuOptions {
  /** Wall ms before dfu-util is killed. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Raw stdout as it arrives (progress bars). */
  onStdout?: (chunk: Buffer) => void;
}

/** How long a killed dfu-util gets between SIGTERM and SIGKILL. */
const FORCE_KILL_MS = 2000;

export function dfuProgram(access: DfuAccess): string {
  return access.tools?.dfuUtil ?? 'dfu-util';
}

export async function runDfuUtil(access: DfuAccess, args: string[], o: RunDfuOptions): Promise<DfuRun> {
  const program = dfuProgram(access);
  o.signal?.throwIfAborted();
  const child = execa(program, args, {
    env: usbToolEnv(access.usb),
    reject: false,
    timeout: o.timeoutMs,
    cancelSignal: o.signal,
    forceKillAfterDelay: FORCE_KILL_MS,
    stdin: 'ignore',
  });
  if (o.onStdout) child.stdout?.on('data', o.onStdout);
  const r = await child;
  if (r.isCanceled) throw o.signal?.reason ?? new Error('dfu-util cancelled');
  if (r.timedOut) {
    throw new InfraError(`dfu-util did not finish within ${o.timeoutMs} ms and was killed`, 'check the board and its USB cable', {
      cause: new TimeoutError(`dfu-util ${args.join(' ')}`, o.timeoutMs),
    });
  }
  const spawnCode = (r as { code?: string }).code;
  return { program, exitCode: r.exitCode, spawnCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
