// Runs dfu-util with the environment that reaches the bench's USB bus, a
// timeout, and the caller's AbortSignal; either kills the child (SIGTERM,
// then SIGKILL), so no dfu-util outlives its step. Spawned with node's own
// child_process: a dfu-util run is on the critical path of every DFU flash,
// and execa's option handling around the spawn cost ~5 ms of the rig's time
// per run on a loaded bench computer (median of 20 spawns of `true`: 14.6 ms
// through execa, 9.9 ms through spawn, load 4.9 on 2 CPUs).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
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

/** A child's whole output as text, without its final newline (as execa gave it). */
const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');

export async function runDfuUtil(access: DfuAccess, args: string[], o: RunDfuOptions): Promise<DfuRun> {
  const program = dfuProgram(access);
  o.signal?.throwIfAborted();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let ended: 'timeout' | 'cancelled' | undefined;
  const r = await new Promise<{ exitCode: number | undefined; spawnCode: string | undefined }>((resolve) => {
    const child = spawn(program, args, { env: { ...process.env, ...usbToolEnv(access.usb) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let forceKill: NodeJS.Timeout | undefined;
    const kill = (why: 'timeout' | 'cancelled'): void => {
      if (ended || child.exitCode !== null || child.signalCode !== null) return;
      ended = why;
      child.kill('SIGTERM');
      forceKill = setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_MS);
    };
    const timer = setTimeout(() => kill('timeout'), o.timeoutMs);
    const stopListening = new AbortController();
    if (o.signal) once(o.signal, 'abort', { signal: stopListening.signal }).then(() => kill('cancelled'), () => {});
    let spawnCode: string | undefined;
    child.stdout.on('data', (c: Buffer) => {
      stdout.push(c);
      o.onStdout?.(c);
    });
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnCode ??= err.code;
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      stopListening.abort();
      resolve({ exitCode: spawnCode ? undefined : code ?? undefined, spawnCode });
    });
  });
  if (ended === 'cancelled') throw o.signal?.reason ?? new Error('dfu-util cancelled');
  if (ended === 'timeout') {
    throw new InfraError(`dfu-util did not finish within ${o.timeoutMs} ms and was killed`, 'check the board and its USB cable', {
      cause: new TimeoutError(`dfu-util ${args.join(' ')}`, o.timeoutMs),
    });
  }
  return { program, exitCode: r.exitCode, spawnCode: r.spawnCode, stdout: text(stdout), stderr: text(stderr) };
}
