// Starts the simulated bench as a separate process (`rig sim --json`) and
// reads where it can be reached: the rig then drives it through its PTYs,
// USB socket and HTTP cloud like any bench. The bench session
// (bench-session.ts) is the only place that knows a bench is simulated; the
// boards get plain addresses.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { InfraError } from '../core/errors.js';

export interface SimBoardAddress {
  name: string;
  platform: string;
  id: string;
  serial: string;
}

export interface SimAddresses {
  boards: SimBoardAddress[];
  cloud: { api: string; token: string };
  usb: { socket: string };
  control: { api: string };
}

export interface RunningSimProcess extends SimAddresses {
  stop(): Promise<void>;
}

const RIG = fileURLToPath(new URL('../../bin/rig.js', import.meta.url));
const START_LIMIT_MS = 30_000;

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts it and waits until it is ready; a run stopped meanwhile (`signal`) stops it at once and rejects with the reason. */
export async function startSimProcess(benchFile: string, signal?: AbortSignal): Promise<RunningSimProcess> {
  signal?.throwIfAborted();
  // Its own process group member is fine: it dies with us through stopSim, and
  // with stdin closed it exits by itself if we are killed.
  const child = spawn(process.execPath, [RIG, 'sim', '--bench', benchFile, '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  const boards: SimBoardAddress[] = [];
  const lines = createInterface({ input: child.stdout! });
  let onAbort: (() => void) | undefined;
  try {
    const ready = await new Promise<SimAddresses>((resolve, reject) => {
      const timer = setTimeout(() => reject(new InfraError(`the simulated bench did not start within ${START_LIMIT_MS / 1000} s`)), START_LIMIT_MS);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new InfraError(`the simulated bench exited (code ${code}) before it was ready: ${stderr.join('').trim().split('\n').pop() ?? ''}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new InfraError(`cannot start the simulated bench: ${err.message}`));
      });
      onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      lines.on('line', (line) => {
        let msg: { event?: string } & Record<string, unknown>;
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          return; // not ours
        }
        if (msg.event === 'board') boards.push(msg as unknown as SimBoardAddress);
        if (msg.event === 'ready') {
          clearTimeout(timer);
          const r = msg as unknown as Omit<SimAddresses, 'boards'>;
          resolve({ boards, cloud: r.cloud, usb: r.usb, control: r.control });
        }
      });
    });
    child.removeAllListeners('exit');
    return { ...ready, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw err;
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
