// Log capture: a board whose app logs 1000 lines per second of board time
// (the most `log-rate` allows), sped up by the time scale, captured by the
// rig's own SerialLogCapture in this process while the simulated bench runs
// in its own (`rig sim --json`). The board counts what it wrote to its port
// (src/sim/serial/endpoint.ts, read through the bench control service).
//
// The window is bounded by listening mode, which silences the board's log
// without touching the port (a baud change or reopen would make the host
// flush its input and lose bytes no one could count): listening, settled ->
// counters read -> leave listening (the app logs) -> `windowMs` -> listening
// again, settled -> counters read. Both ends are quiet, so the differences
// compare exactly: sent by the board versus captured by the rig.
// Listening mode is requested over USB (particle-usb on the bench's USB bus).
import { join } from 'node:path';
import { SerialLogCapture } from '../src/board/log-capture.js';
import { serialPortLocator } from '../src/board/serial-port-finder.js';
import { startSimProcess } from '../src/cli/sim-process.js';
import { parseDeviceId } from '../src/core/domain.js';
import { withUsbControl, type UsbControl } from '../src/transport/usb.js';
import { SocketUsbBus } from '../src/transport/usb/socket-bus.js';
import { onlyBoard, readSimBench, withApp, withScale, writeBench } from './lib/bench-files.js';
import type { WorkDir } from './lib/paths.js';
import { minus, readSerialCounters, type SerialCounters } from './lib/serial-counters.js';
import { settle } from './lib/settle.js';
import { round1 } from './lib/stats.js';
import { appLineGaps } from './lib/app-lines.js';

/** The fastest a test app logs (rig firmware make: log-rate=0..1000). */
export const MAX_LOG_RATE = 1000;

export interface CaptureOptions {
  /** Time scales to try: the wall rate is 1000 lines/s times the scale. */
  scales: number[];
  /** Board to use (its Device OS must have listening mode). */
  board: string;
  windowMs: number;
  log(line: string): void;
}

export interface CaptureRow extends SerialCounters {
  scale: number;
  captured: number;
  /** Every byte the board's port took for the host reached the rig's capture. */
  equal: boolean;
  windowMs: number;
  throughputKBps: number;
  appLines: number;
  /** Missing app lines, by their consecutive board-ms stamps. */
  appLineGaps: number;
}

const SETTLE = { quietMs: 150, limitMs: 10_000 };

async function waitConnected(capture: SerialLogCapture, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!capture.connected) {
    if (Date.now() > deadline) throw new Error(`the log capture did not get the board's port within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function measure(work: WorkDir, scale: number, o: CaptureOptions): Promise<CaptureRow> {
  const doc = onlyBoard(await readSimBench(), o.board);
  const bench = await writeBench(work.path(`log-x${scale}.yaml`), withScale({ ...doc, boards: doc.boards.map((b) => withApp(b, { 'log-rate': MAX_LOG_RATE })) }, scale));
  const sim = await startSimProcess(bench);
  let capture: SerialLogCapture | undefined;
  try {
    const board = sim.boards[0];
    const id = board && parseDeviceId(board.id);
    if (!board || !id) throw new Error('the simulated bench listed no board');
    capture = SerialLogCapture.start({ board: board.name, locate: serialPortLocator(id, { serial: board.serial }), file: join(work.path(`log-x${scale}`), 'trace.log') });
    await waitConnected(capture, 10_000);
    const bus = new SocketUsbBus(sim.usb.socket);
    const usb = (fn: (c: UsbControl) => Promise<void>) => withUsbControl(bus, id, { timeoutMs: 10_000 }, fn);
    const cap = capture;
    const both = async () => ({ board: await readSerialCounters(sim.control.api, id), captured: cap.bytes, lines: cap.lines().length });

    await usb((c) => c.enterListeningMode());
    const before = await settle(both, { ...SETTLE, what: 'the board and the capture (before)' });
    const t0 = performance.now();
    await usb((c) => c.leaveListeningMode());
    await new Promise((r) => setTimeout(r, o.windowMs));
    await usb((c) => c.enterListeningMode());
    const windowMs = performance.now() - t0;
    const after = await settle(both, { ...SETTLE, what: 'the board and the capture (after)' });

    const sent = minus(after.board, before.board);
    const captured = after.captured - before.captured;
    const lines = capture.lines().slice(before.lines, after.lines).map((l) => l.text);
    const gaps = appLineGaps(lines);
    return {
      scale, ...sent, captured,
      equal: captured === sent.sent,
      windowMs: Math.round(windowMs),
      throughputKBps: round1(captured / 1024 / (windowMs / 1000)),
      appLines: gaps.lines,
      appLineGaps: gaps.missing,
    };
  } finally {
    await capture?.close();
    await sim.stop();
  }
}

export async function benchLogCapture(work: WorkDir, o: CaptureOptions): Promise<CaptureRow[]> {
  const rows: CaptureRow[] = [];
  for (const scale of o.scales) {
    o.log(`log capture: ${o.board} logging ${MAX_LOG_RATE} lines/s of board time at x${scale} (${(MAX_LOG_RATE * scale).toLocaleString('en')} lines/s wall)`);
    rows.push(await measure(work, scale, o));
  }
  return rows;
}
