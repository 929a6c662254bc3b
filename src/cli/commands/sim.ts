// `rig sim`: runs the simulated bench in the foreground, in a fresh run
// folder under the OS temp dir, until SIGINT or SIGTERM. With --json, stdout
// carries only JSON lines (one per board, then "ready") for the program that
// started it; diagnostics go to stderr. With --json and a pipe or socket on
// stdin (a parent program's), the end of stdin stops the bench too, so a
// bench never outlives the program that started it; a terminal or /dev/null
// on stdin does not.
import { fstatSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchFileFor } from '../../bench/default.js';
import { loadBench, type LoadedBench } from '../../bench/loader.js';
import { ExitCode, InfraError, InputError } from '../../core/errors.js';
import { startSimBench, type RunningSimBench } from '../../sim/bench.js';
import type { UsbipImportEvent } from '../../sim/usb/usbip-server.js';
import { takeSignals } from '../interruptions.js';

export interface SimCommandOptions {
  bench?: string;
  json?: boolean;
  /** "[host:]port" to serve USB/IP on. */
  usbip?: string;
}

/** "3240", "0.0.0.0:3240", "127.0.0.1:0". */
export function parseUsbipAddress(text: string): { host?: string; port: number } {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new InputError(`--usbip ${text}: expected [host:]port, e.g. 3240 or 127.0.0.1:3240`, undefined, 'give a TCP port (0 = any free one)');
  return m[1] ? { host: m[1], port } : { port };
}

function requireSimulator(loaded: LoadedBench): void {
  if (loaded.bench.simulator) return;
  throw new InputError(
    `bench ${loaded.bench.name} is not a simulated bench: rig sim runs only a bench with simulator: true`,
    loaded.placeAt(['simulator']),
    'run the built-in rig/sim.yaml (--bench rig/sim.yaml) or set simulator: true',
  );
}

function jsonLines(bench: RunningSimBench): string {
  const boards = bench.boards.map((b) => ({ event: 'board', name: b.name, platform: b.platform, id: b.id, serial: b.serial, usbipBusid: b.usbipBusid }));
  const ready = { event: 'ready', cloud: bench.cloud, usbEnv: bench.usbEnv, control: bench.control, usb: bench.usb, usbip: bench.usbip };
  return [...boards, ready].map((o) => `${JSON.stringify(o)}\n`).join('');
}

/** For a person: the boards, and where the cloud is. The token is left out: it is a secret (--json gives it to programs). */
function table(bench: RunningSimBench): string {
  const rows = [['NAME', 'PLATFORM', 'DEVICE ID', 'PORT'], ...bench.boards.map((b) => [b.name, b.platform, b.id, b.serial ?? `USB/IP ${b.usbipBusid ?? '?'}`])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  return [
    `simulated bench ${bench.name} (board time x${bench.timeScale}) in ${bench.runDir}`,
    ...lines,
    `cloud:   ${bench.cloud.api} (token: rig sim --json prints it)`,
    `control: ${bench.control.api}`,
    `usb:     LD_PRELOAD=${bench.usbEnv.LD_PRELOAD} RIG_USB_SOCKET=${bench.usb.socket} dfu-util -l`,
    ...(bench.usbip ? [`usbip:   usbip list -r ${bench.usbip.host} --tcp-port ${bench.usbip.port}`] : []),
    'Ctrl-C to stop',
    '',
  ].join('\n');
}

function stdinIsParentPipe(): boolean {
  try {
    const s = fstatSync(0);
    return s.isFIFO() || s.isSocket();
  } catch {
    return false;
  }
}

/** Resolves with what stopped the bench. */
function untilStopped(watchStdin: boolean): Promise<string> {
  return new Promise((resolve) => {
    let giveBack = (): void => {};
    const stop = (why: string) => () => {
      giveBack();
      if (watchStdin) {
        process.stdin.off('end', onEnd);
        process.stdin.off('close', onEnd);
        process.stdin.destroy();
      }
      resolve(why);
    };
    const onEnd = stop('end of stdin');
    giveBack = takeSignals((name) => stop(name)());
    if (watchStdin) {
      process.stdin.once('end', onEnd);
      process.stdin.once('close', onEnd);
      process.stdin.resume();
    }
  });
}

export async function simCommand(opts: SimCommandOptions): Promise<number> {
  const loaded = await loadBench(benchFileFor(opts.bench).file);
  requireSimulator(loaded);
  const usbip = opts.usbip === undefined ? undefined : parseUsbipAddress(opts.usbip);
  const runDir = await mkdtemp(join(tmpdir(), 'rig-sim-'));
  let bench: RunningSimBench;
  try {
    // RIG_SIM_TOKEN fixes the local cloud's token (for tools that need it ahead of time); else a fresh one.
    const token = process.env.RIG_SIM_TOKEN || undefined;
    // Each import is a kernel attaching a board (again): how long after it enumerated is the re-attach latency.
    const onImport = (e: UsbipImportEvent): void => {
      process.stderr.write(`rig sim: usbip: ${e.busid} (device ${e.devnum}, pid ${e.idProduct.toString(16).padStart(4, '0')}) imported ${Math.round(e.afterMs)} ms after it enumerated\n`);
    };
    bench = await startSimBench({ bench: loaded.bench, runDir, ...(token ? { token } : {}), ...(usbip ? { usbip: { ...usbip, onImport } } : {}) });
  } catch (err) {
    await rm(runDir, { recursive: true, force: true });
    if (err instanceof InputError) throw err;
    throw new InfraError(`the simulated bench did not start: ${err instanceof Error ? err.message : String(err)}`, 'run with RIG_DEBUG=1 for details', { cause: err });
  }
  process.stdout.write(opts.json ? jsonLines(bench) : table(bench));
  const why = await untilStopped(opts.json === true && stdinIsParentPipe());
  process.stderr.write(`rig sim: ${why}: closing the simulated bench\n`);
  try {
    await bench.close();
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
  return ExitCode.ok;
}
