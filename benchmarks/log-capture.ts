// Log capture: a board whose app logs 1000 lines per second of board time
// (the most `log-rate` allows), sped up by the time scale, read from its
// PTY by two readers in turn, in the same simulator process, same board,
// same rate:
// - the rig: its own SerialLogCapture (serialport, line assembly, trace.log)
//   in this process, while the simulated bench runs in its own (`rig sim`);
// - the reference: a plain reader (`stty raw -echo` then `cat` of the same
//   /dev/pts/N into a file, lib/plain-reader.ts), the least any tool could do.
// The board counts what it wrote and what its port took (src/sim/serial/
// endpoint.ts, read through the bench control service).
//
// Each window is bounded by listening mode, which silences the board's log
// without touching the port (a baud change or reopen would make the host
// flush its input and lose bytes no one could count): listening, settled ->
// counters read -> leave listening (the app logs) -> `windowMs` -> listening
// again, settled -> counters read. Both ends are quiet, so the differences
// compare exactly: written by the board versus read by the reader. Readers
// change while the board is quiet in listening mode. Listening mode is
// requested over USB (particle-usb on the bench's USB bus).
//
// A row counts only when bytes flowed: a window in which the port took
// nothing, or in which the plain reader itself lost bytes (the rate is past
// what a PTY reader keeps up with, so it measures the port, not the capture),
// is NOT MEASURED, and says why.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialLogCapture } from '../src/board/log-capture.js';
import { serialPortLocator } from '../src/board/serial-port-finder.js';
import { startSimProcess } from '../src/runner/sim-process.js';
import { parseDeviceId, type DeviceId } from '../src/core/domain.js';
import { withUsbControl, type UsbControl } from '../src/transport/usb.js';
import { SocketUsbBus } from '../src/transport/usb/socket-bus.js';
import { appLineGaps } from './lib/app-lines.js';
import { onlyBoard, readSimBench, withApp, withScale, writeBench } from './lib/bench-files.js';
import type { WorkDir } from './lib/paths.js';
import { startPlainReader } from './lib/plain-reader.js';
import { minus, readSerialCounters } from './lib/serial-counters.js';
import { settle } from './lib/settle.js';
import { round1 } from './lib/stats.js';
import { judged, ratio, type Verdict } from './lib/table.js';

/** The fastest a test app logs (rig firmware make: log-rate=0..1000). */
export const MAX_LOG_RATE = 1000;
/** The capture's throughput against the plain reader's, at least. */
export const CAPTURE_RATIO_TARGET = 0.9;

export interface CaptureOptions {
  /** Time scales to try: the wall rate is 1000 lines/s times the scale. */
  scales: number[];
  /** Board to use (its Device OS must have listening mode). */
  board: string;
  windowMs: number;
  /** Windows per reader and scale, rig and plain reader alternating. */
  rounds: number;
  log(line: string): void;
}

/** One reader's windows at one scale, summed. */
export interface ReaderFigures {
  windows: number;
  /** Bytes the board wrote while its port existed. */
  offered: number;
  /** Bytes the port (PTY) took for the host. */
  sent: number;
  /** Bytes the port refused because its buffer was full (the reader was behind). */
  dropped: number;
  /** Bytes the reader got. */
  read: number;
  /** offered - read: every byte the board wrote that the reader does not have. */
  lost: number;
  windowMs: number;
  /** What the board wrote, per wall second of the windows. */
  boardKBps: number;
  /** The same in lines (what the simulated board managed, against what the app asks for). */
  boardLinesPerSecond: number;
  /** What the reader got, per wall second of the windows. */
  readKBps: number;
}

export interface CaptureRow {
  scale: number;
  /** What the app asks for (1000 lines/s of board time x scale). */
  linesPerSecond: number;
  rig: ReaderFigures & { appLines: number; missingLines: number };
  plain: ReaderFigures;
  /** rig readKBps / plain readKBps. */
  ratio: number;
  /** The machine's 1-minute load average when the rate was done: other work on the bench computer drops bytes too. */
  load: number;
  verdict: Verdict;
  /** Why the row is NOT MEASURED or MISSED. */
  why?: string;
}

interface WindowCount {
  offered: number;
  sent: number;
  dropped: number;
  read: number;
  windowMs: number;
  lines?: string[];
}

const SETTLE = { quietMs: 150, limitMs: 20_000 };
const APP_LINE = /\[app\] INFO: /;
const APP_START_LIMIT_MS = 60_000;

/** A reader of the port for one window: the rig's capture or the plain one. */
interface Reader {
  bytes(): number;
  lineCount?(): number;
  linesFrom?(from: number): string[];
  /** Resolves once the app's log has begun (rig reader only). */
  appLogging?(withinMs: number): Promise<boolean>;
  close(): Promise<void>;
}

async function openRigReader(work: WorkDir, scale: number, board: { name: string; serial: string }, id: DeviceId, n: number): Promise<Reader> {
  const capture = SerialLogCapture.start({ board: board.name, locate: serialPortLocator(id, { serial: board.serial }), file: join(work.path(`log-x${scale}`), `trace-${n}.log`) });
  const deadline = Date.now() + 10_000;
  while (!capture.connected) {
    if (Date.now() > deadline) {
      await capture.close();
      throw new Error("the log capture did not get the board's port within 10 s");
    }
    await sleep(10);
  }
  return {
    bytes: () => capture.bytes,
    lineCount: () => capture.lines().length,
    linesFrom: (from) => capture.lines().slice(from).map((l) => l.text),
    appLogging: async (withinMs) => (await capture.waitFor(APP_LINE, { withinMs })) !== undefined,
    close: () => capture.close(),
  };
}

function sum(windows: WindowCount[], bytesPerLine: number): ReaderFigures {
  const t = windows.reduce((a, w) => ({ offered: a.offered + w.offered, sent: a.sent + w.sent, dropped: a.dropped + w.dropped, read: a.read + w.read, windowMs: a.windowMs + w.windowMs }),
    { offered: 0, sent: 0, dropped: 0, read: 0, windowMs: 0 });
  const perSecond = (bytes: number) => (t.windowMs > 0 ? round1(bytes / 1024 / (t.windowMs / 1000)) : Number.NaN);
  const linesPerSecond = t.windowMs > 0 && bytesPerLine > 0 ? Math.round(t.offered / bytesPerLine / (t.windowMs / 1000)) : Number.NaN;
  return { windows: windows.length, ...t, windowMs: Math.round(t.windowMs), lost: t.offered - t.read, boardKBps: perSecond(t.offered), boardLinesPerSecond: linesPerSecond, readKBps: perSecond(t.read) };
}

/** Why a row cannot be judged, or undefined when it can. */
function unmeasured(rig: WindowCount[], plain: WindowCount[]): string | undefined {
  const empty = (ws: WindowCount[]) => ws.find((w) => w.sent === 0 || w.read === 0);
  const e = empty(rig) ?? empty(plain);
  if (e) {
    const who = empty(rig) ? 'rig' : 'plain reader';
    return `no bytes flowed in a ${who} window: the board wrote ${e.offered} B, its port took ${e.sent} B, the reader got ${e.read} B`;
  }
  const p = sum(plain, 0);
  if (p.lost !== 0) return `the plain reader itself lost ${p.lost} B of ${p.offered} B (port dropped ${p.dropped} B): at this rate even a plain reader does not keep the port's ~16 KB buffer from overflowing`;
  return undefined;
}

async function measure(work: WorkDir, scale: number, o: CaptureOptions): Promise<CaptureRow> {
  const doc = onlyBoard(await readSimBench(), o.board);
  const bench = await writeBench(work.path(`log-x${scale}.yaml`), withScale({ ...doc, boards: doc.boards.map((b) => withApp(b, { 'log-rate': MAX_LOG_RATE })) }, scale));
  const sim = await startSimProcess(bench);
  let reader: Reader | undefined;
  try {
    const board = sim.boards[0];
    const id = board && parseDeviceId(board.id);
    if (!board || !id) throw new Error('the simulated bench listed no board');
    const bus = new SocketUsbBus(sim.usb.socket);
    const usb = (fn: (c: UsbControl) => Promise<void>) => withUsbControl(bus, id, { timeoutMs: 20_000 }, fn);

    const windows = { rig: [] as WindowCount[], plain: [] as WindowCount[] };
    let n = 0;
    for (let r = 0; r < o.rounds; r++) {
      for (const kind of ['rig', 'plain'] as const) {
        n++;
        const current: Reader = kind === 'rig'
          ? await openRigReader(work, scale, board, id, n)
          : await startPlainReader(board.serial, work.path(`log-x${scale}`, `cat-${n}.out`));
        reader = current;
        // The board boots after the simulator is up (seconds of wall time at a low scale): windows start once its app logs.
        if (n === 1 && !(await current.appLogging?.(APP_START_LIMIT_MS))) throw new Error(`the board's app printed no log line within ${APP_START_LIMIT_MS / 1000} s`);
        const both = async () => ({ board: await readSerialCounters(sim.control.api, id), read: current.bytes(), lines: current.lineCount?.() ?? 0 });
        await usb((c) => c.enterListeningMode());
        const before = await settle(both, { ...SETTLE, what: 'the board and the reader (before)' });
        const t0 = performance.now();
        await usb((c) => c.leaveListeningMode());
        await sleep(o.windowMs);
        await usb((c) => c.enterListeningMode());
        const windowMs = performance.now() - t0;
        const after = await settle(both, { ...SETTLE, what: 'the board and the reader (after)' });
        const lines = current.linesFrom?.(before.lines).slice(0, after.lines - before.lines);
        windows[kind].push({ ...minus(after.board, before.board), read: after.read - before.read, windowMs, ...(lines ? { lines } : {}) });
        await current.close();
        reader = undefined;
      }
    }

    const gaps = windows.rig.map((w) => appLineGaps(w.lines ?? []));
    // Every line of a window is an app line of the same length: bytes per line from what the rig captured.
    const capturedLines = gaps.reduce((a, g) => a + g.lines, 0);
    const bytesPerLine = capturedLines > 0 ? windows.rig.reduce((a, w) => a + w.read, 0) / capturedLines : Number.NaN;
    const rig = sum(windows.rig, bytesPerLine);
    const plain = sum(windows.plain, bytesPerLine);
    const why = unmeasured(windows.rig, windows.plain);
    const r = ratio(rig.readKBps, plain.readKBps);
    const met = rig.lost === 0 && r >= CAPTURE_RATIO_TARGET;
    const missed = why === undefined && !met
      ? [rig.lost !== 0 ? `the rig lost ${rig.lost} B of ${rig.offered} B (port dropped ${rig.dropped} B)` : '', r < CAPTURE_RATIO_TARGET ? `throughput ratio ${r} < ${CAPTURE_RATIO_TARGET}` : ''].filter(Boolean).join('; ')
      : undefined;
    return {
      scale,
      linesPerSecond: MAX_LOG_RATE * scale,
      rig: { ...rig, appLines: capturedLines, missingLines: gaps.reduce((a, g) => a + g.missing, 0) },
      load: round1(loadavg()[0] ?? Number.NaN),
      plain,
      ratio: r,
      verdict: judged(met, why),
      ...(why ?? missed ? { why: why ?? missed } : {}),
    };
  } finally {
    await reader?.close();
    await sim.stop();
  }
}

export async function benchLogCapture(work: WorkDir, o: CaptureOptions): Promise<CaptureRow[]> {
  const rows: CaptureRow[] = [];
  for (const scale of o.scales) {
    o.log(`log capture: ${o.board} logging ${MAX_LOG_RATE} lines/s of board time at x${scale} (${(MAX_LOG_RATE * scale).toLocaleString('en')} lines/s wall), rig and plain reader, ${o.rounds} windows each`);
    rows.push(await measure(work, scale, o));
  }
  return rows;
}
