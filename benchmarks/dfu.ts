// `flash via dfu` against a bare `dfu-util -D` of the same image on the same
// bus. One simulator process per board (lib/sim-session.ts); both sides
// reach it exactly alike:
// - the rig: `rig run` of a plan of `mode: dfu` then `flash: app, via: dfu`,
//   repeated; the flash step's wall time from report.json (the board is
//   already in DFU mode, so the step is the image check, dfu-util, and the
//   wait for the board to come back running, which the step promises);
// - bare: the board sent to DFU mode by a particle-usb request on the same
//   bus (not timed), then `dfu-util -d 2b04:PID -a 0 -s ADDR:leave -D app.bin
//   -S ID`, the rig's own command line, with the environment the rig gives
//   dfu-util (LD_PRELOAD of the libusb stand-in, RIG_USB_SOCKET); timed from
//   spawn to exit, spawned with node's child_process as the rig spawns it. How long the board then takes to be back on the bus in
//   serial mode is timed separately and shown beside it: dfu-util's `:leave`
//   does not wait for it, the rig's step does.
// The target is judged, as the issue sets it, against bare dfu-util alone.
// Beside it: the step against dfu-util + the board's way back (what the step
// promises: the new firmware runs), and the floor, (dfu-util + back) /
// dfu-util, the ratio of a step that adds nothing to that promise. When the
// floor is above the target, the target cannot be met by a step that proves
// the board runs; the table says so rather than measure something else.
// Rig runs and bare runs alternate in blocks, so background load on a shared
// machine falls on both alike; medians are compared.
import { loadavg } from 'node:os';
import { spawn } from 'node:child_process';
import { usbToolEnv } from '../src/core/bench-access.js';
import { parseDeviceId, type DeviceId } from '../src/core/domain.js';
import { withUsbControl } from '../src/transport/usb.js';
import type { UsbBoardListing } from '../src/transport/usb/bus.js';
import { SocketUsbBus } from '../src/transport/usb/socket-bus.js';
import { onlyBoard, readSimBench } from './lib/bench-files.js';
import { makeApp, type AppFile } from './lib/firmware.js';
import type { WorkDir } from './lib/paths.js';
import { writeStepsPlan } from './lib/plan-files.js';
import { runRig } from './lib/rig-run.js';
import { startSimSession, type SimSession } from './lib/sim-session.js';
import { median, percentile, round1 } from './lib/stats.js';
import { judged, ratio, type Verdict } from './lib/table.js';

export const DFU_TARGET_RATIO = 1.15;

export interface DfuOptions {
  boards: string[];
  /** Blocks of rig and bare runs, alternating. */
  blocks: number;
  /** Flashes per block and side. */
  flashesPerBlock: number;
  log(line: string): void;
}

export interface DfuRow {
  board: string;
  platform: string;
  imageBytes: number;
  /** The rig's `flash via dfu` step (wall ms). */
  rig: { samples: number; medianMs: number; p95Ms: number; dfuUtilMedianMs: number };
  /** Bare dfu-util, spawn to exit (wall ms), and the board's way back to the bus after it. */
  bare: { samples: number; medianMs: number; p95Ms: number; backMedianMs: number };
  /** rig step median / bare dfu-util median: the target. */
  ratio: number;
  /** rig step median / (bare dfu-util + board back) medians: against what the step promises. */
  ratioWithBack: number;
  /**
   * (bare dfu-util + board back) / bare dfu-util, medians: the ratio a step
   * would have that proves the board runs again and adds nothing of its own.
   * Above the target, no such step can meet it on this image and bench.
   */
  floorRatio: number;
  /** 1-min load average when the board's measurement began and ended. */
  load: [number, number];
  verdict: Verdict;
  why?: string;
}

const LIMIT_MS = 120_000;
const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');

/** Waits (on the bus's change notices) until `id` is listed in `mode`; returns its listing. */
async function listedIn(bus: SocketUsbBus, id: DeviceId, mode: 'dfu' | 'serial', limitMs = 20_000): Promise<UsbBoardListing> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const since = await bus.generation();
    const found = (await bus.list()).find((l) => l.id === id && l.mode === mode);
    if (found) return found;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`board ${id} was not on the bus in ${mode} mode within ${limitMs} ms`);
    await bus.nextChange(since, Math.min(left, 1000));
  }
}

/**
 * dfu-util spawned with node's own child_process, as bare as a program can
 * start it from node: the rig spawns it the same way (src/transport/dfu/run.ts),
 * so neither side carries a library's option handling that the other does not.
 */
function bareRun(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.stdout.resume();
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stderr: Buffer.concat(err).toString() });
    });
  });
}

async function bareFlashes(s: SimSession, bus: SocketUsbBus, id: DeviceId, app: AppFile, n: number): Promise<{ dfuMs: number; backMs: number }[]> {
  const env = usbToolEnv({ kind: 'socket', socket: s.sim.usb.socket });
  const out: { dfuMs: number; backMs: number }[] = [];
  for (let i = 0; i < n; i++) {
    await listedIn(bus, id, 'serial');
    await withUsbControl(bus, id, { timeoutMs: 10_000 }, (c) => c.enterDfuMode());
    await bus.closeBoard(id);
    const dfu = await listedIn(bus, id, 'dfu');
    const args = ['-d', `2b04:${hex(dfu.productId, 4)}`, '-a', '0', '-s', `0x${hex(app.startAddress, 8)}:leave`, '-D', app.path, '-S', id];
    const t0 = performance.now();
    const r = await bareRun('dfu-util', args, { ...process.env, ...env });
    const t1 = performance.now();
    if (r.exitCode !== 0) throw new Error(`bare dfu-util ${args.join(' ')} exited ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
    await listedIn(bus, id, 'serial');
    out.push({ dfuMs: t1 - t0, backMs: performance.now() - t1 });
  }
  return out;
}

async function measureBoard(work: WorkDir, name: string, o: DfuOptions): Promise<DfuRow> {
  const loadStart = loadavg()[0]!;
  const doc = onlyBoard(await readSimBench(), name);
  const s = await startSimSession(work.path(`dfu-sim-${name}.yaml`), work.path(`dfu-bench-${name}.yaml`), doc);
  try {
    const id = parseDeviceId(s.board.id);
    if (!id) throw new Error(`the simulator lists ${s.board.id}, not a device ID`);
    const app = await makeApp(work.path(`dfu-${name}.bin`), s.board.platform, 21);
    const steps = Array.from({ length: o.flashesPerBlock }, () => [{ mode: 'dfu' }, { flash: 'app', via: 'dfu' }]).flat();
    const plan = await writeStepsPlan(work.path(`dfu-${name}.plan.yaml`), 'bench-dfu', { app: app.path }, steps);
    const bus = new SocketUsbBus(s.sim.usb.socket);
    const rig: { stepMs: number; dfuUtilMs: number }[] = [];
    const bare: { dfuMs: number; backMs: number }[] = [];
    for (let b = 1; b <= o.blocks; b++) {
      o.log(`dfu: ${name}: rig run of ${o.flashesPerBlock} x (mode dfu, flash via dfu), block ${b} of ${o.blocks}`);
      const run = await runRig({ plan: plan.path, bench: s.benchFile, env: s.env, reportDir: work.path(`dfu-${name}-${b}`), limitMs: LIMIT_MS });
      const board = run.report.boards[0];
      const bad = board?.steps.find((st) => st.status !== 'pass');
      if (!board || bad) throw new Error(`the rig's dfu plan did not pass on ${name}: ${bad ? `${bad.name}: ${bad.diagnosis ?? bad.status}` : 'no board in the report'}`);
      for (const [i, st] of board.steps.entries()) {
        if (plan.kinds[i] !== 'flash dfu') continue;
        const flashMs = (st.details as { flashMs?: unknown } | undefined)?.flashMs;
        rig.push({ stepMs: st.durationMs, dfuUtilMs: typeof flashMs === 'number' ? flashMs : Number.NaN });
      }
      o.log(`dfu: ${name}: ${o.flashesPerBlock} bare dfu-util -D, block ${b} of ${o.blocks}`);
      bare.push(...(await bareFlashes(s, bus, id, app, o.flashesPerBlock)));
    }
    const rigMs = rig.map((r) => r.stepMs);
    const bareMs = bare.map((r) => r.dfuMs);
    const rigMedian = median(rigMs);
    const bareMedian = median(bareMs);
    const backMedian = median(bare.map((r) => r.backMs));
    const r = ratio(rigMedian, bareMedian);
    const floorRatio = ratio(bareMedian + backMedian, bareMedian);
    const why = rigMs.length === 0 || bareMs.length === 0 ? 'no flash was timed' : undefined;
    const met = r <= DFU_TARGET_RATIO;
    const floorWords = floorRatio > DFU_TARGET_RATIO ? `; dfu-util + the board's way back alone is ${floorRatio} x dfu-util, above the target` : '';
    return {
      board: name,
      platform: s.board.platform,
      imageBytes: app.bytes,
      rig: { samples: rigMs.length, medianMs: round1(rigMedian), p95Ms: round1(percentile(rigMs, 95)), dfuUtilMedianMs: round1(median(rig.map((x) => x.dfuUtilMs).filter(Number.isFinite))) },
      bare: { samples: bareMs.length, medianMs: round1(bareMedian), p95Ms: round1(percentile(bareMs, 95)), backMedianMs: round1(backMedian) },
      ratio: r,
      ratioWithBack: ratio(rigMedian, bareMedian + backMedian),
      floorRatio,
      load: [loadStart, loadavg()[0]!],
      verdict: judged(met, why),
      ...(why ? { why } : !met ? { why: `the step takes ${round1(rigMedian - bareMedian)} ms more than bare dfu-util; the board's way back to the bus alone takes ${round1(backMedian)} ms${floorWords}` } : {}),
    };
  } finally {
    await s.stop();
  }
}

export async function benchDfu(work: WorkDir, o: DfuOptions): Promise<DfuRow[]> {
  const rows: DfuRow[] = [];
  for (const name of o.boards) rows.push(await measureBoard(work, name, o));
  return rows;
}
