// The log capture against the simulated bench: a real PTY per board opened
// with serialport, followed across resets, DFU round trips (real dfu-util
// through the simulated USB bus) and serial flashing, with every line
// checked against trace.log.
import t, { type Test } from 'tap';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchSchema } from '../../src/bench/schema.js';
import { REOPEN_BURST_MS, SerialLogCapture } from '../../src/board/log-capture.js';
import { serialPortLocator } from '../../src/board/serial-port-finder.js';
import type { LogLine } from '../../src/core/board-contract.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { PLATFORMS } from '../../src/core/platform.js';
import { startSimBench, type RunningSimBench } from '../../src/sim/bench.js';
import type { SimulatedBoard } from '../../src/sim/board/simulated-board.js';
import { flashDfu } from '../../src/transport/dfu.js';
import { dfuByBaud, flashOverSerial } from '../../src/transport/serial.js';

const ID = '3a002c000847343337373738';
const APP_LINE = /^(\d{10}) \[app\] INFO: (.*)$/;

interface Rig { sim: RunningSimBench; board: SimulatedBoard; capture: SerialLogCapture; dir: string }

async function rig(t: Test, o: { logRate: number; timeScale?: number; systemThread?: boolean }): Promise<Rig> {
  const runDir = await mkdtemp(join(tmpdir(), 'rig-cap-t-'));
  const bench = BenchSchema.parse({
    bench: 'capture-test', simulator: true,
    boards: [{ name: 'photon-1', platform: 'photon', id: ID, sim: { app: { version: 1, behaviour: { 'log-rate': o.logRate, 'system-thread': o.systemThread ?? false } } } }],
  });
  const sim = await startSimBench({ bench, runDir, timeScale: o.timeScale ?? 20, onError: (e) => t.fail(e.message) });
  const entry = sim.boards[0] as RunningSimBench['boards'][number];
  const dir = t.testdir({});
  const capture = SerialLogCapture.start({ board: entry.name, locate: serialPortLocator(entry.id, { serial: entry.serial }), file: join(dir, 'photon-1', 'trace.log') });
  t.teardown(async () => {
    await capture.close();
    await sim.close();
    await rm(runDir, { recursive: true, force: true });
  });
  return { sim, board: sim.handles['photon-1'] as SimulatedBoard, capture, dir };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** trace.log as [ISO time, raw line] pairs. */
function traceOf(t: Test, capture: SerialLogCapture): Array<[string, string]> {
  const text = readFileSync(capture.file, 'latin1');
  t.ok(text.endsWith('\n'), 'trace.log ends with a whole line');
  return text.slice(0, -1).split('\n').map((l) => [l.slice(0, 24), l.slice(25)]);
}

/**
 * App lines of one boot are 1000/logRate board ms apart: a gap or a repeat
 * means bytes went missing or came twice. Board time going backwards, or
 * another app's message, is a new boot; `boots` counts them, so lines
 * replayed after a reconnection show.
 */
function gapsIn(lines: readonly LogLine[], periodMs: number): { problems: string[]; boots: number } {
  const problems: string[] = [];
  let prev: { ms: number; message: string } | undefined;
  let boots = 0;
  for (const l of lines) {
    const m = APP_LINE.exec(l.text);
    if (!m) continue;
    const cur = { ms: Number(m[1]), message: m[2] as string };
    if (prev === undefined || cur.ms < prev.ms || cur.message !== prev.message) boots++;
    else if (cur.ms !== prev.ms + periodMs) problems.push(`seq ${l.seq}: ${prev.ms} -> ${cur.ms}`);
    prev = cur;
  }
  return { problems, boots };
}

/** An app line at 10 s of board time or later: the next boot's lines start well below. */
const AFTER_10_S = /^00000[1-9]\d{4} \[app\]/;

t.test('lines, timestamps, byte count and trace.log agree', async (t) => {
  const { capture } = await rig(t, { logRate: 50 });
  const started = Date.now();
  const first = await capture.waitFor(APP_LINE, { withinMs: 3000 });
  t.ok(first, 'an app line arrives');
  await capture.waitFor(APP_LINE, { fromSeq: (first?.seq ?? 0) + 20, withinMs: 3000 });
  await capture.close();
  const lines = capture.lines();
  t.ok(lines.every((l, i) => l.seq === i), 'seq numbers count from 0');
  t.ok(lines.every((l, i) => l.at >= started - 1000 && (i === 0 || l.at >= (lines[i - 1]?.at ?? 0))), 'arrival times in order');
  t.ok(lines.every((l) => !/[\r\n]/.test(l.text)), 'no CR or LF in a line');
  t.equal(capture.bytes, lines.reduce((n, l) => n + Buffer.byteLength(l.text) + 2, 0), 'every byte counted: the lines plus their CRLF');
  const trace = traceOf(t, capture);
  t.same(trace.map(([, text]) => text), lines.map((l) => l.text), 'trace.log has every line, in order');
  t.same(trace.map(([at]) => at), lines.map((l) => new Date(l.at).toISOString()), 'each prefixed by the arrival of its first byte');
  t.same(gapsIn(lines, 20), { problems: [], boots: 1 }, 'no line lost');
});

t.test('follows the board across a reset: before and after kept, nothing twice', async (t) => {
  const { board, capture } = await rig(t, { logRate: 50 });
  t.ok(await capture.waitFor(AFTER_10_S, { withinMs: 5000 }));
  board.reset('pin_reset'); // set-up: the reset itself is not what is tested
  await until(() => !capture.connected, 'the port to vanish');
  const beforeReset = capture.lines().length; // lines still in the port's buffer came in until now
  const after = await capture.waitFor(/\[app\] INFO/, { fromSeq: beforeReset, withinMs: 5000 });
  t.ok(after, 'app lines again after the reset');
  t.ok(capture.connected, 'the capture reopened the port');
  const next = await capture.waitFor(APP_LINE, { fromSeq: (after?.seq ?? 0) + 10, withinMs: 3000 });
  t.ok(next);
  t.same(gapsIn(capture.lines(), 20), { problems: [], boots: 2 }, 'two boots, each without a gap or a repeat: nothing replayed');
  const blind = capture.blindSpans();
  t.equal(blind.length, 2, 'closed twice: before the first open, and across the reset');
  t.ok(blind.every((b) => b.to !== undefined && b.to >= b.from), 'each closed span ended with an open');
  t.ok(blind[1]!.from >= blind[0]!.to! && blind[1]!.to! <= (after?.at ?? 0), 'the reset\'s span ends before the next boot\'s lines arrive');
});

t.test('a boot that ends before the host reopens the port is lost whole, and the capture\'s blind span covers it', async (t) => {
  // A host slow to find the port again (udev on a loaded machine): the locator answers only from `slowUntil` on.
  const runDir = await mkdtemp(join(tmpdir(), 'rig-cap-t-'));
  const bench = BenchSchema.parse({
    bench: 'capture-test', simulator: true,
    boards: [{ name: 'photon-1', platform: 'photon', id: ID, sim: { app: { version: 1, behaviour: { 'log-rate': 50, 'system-thread': false } } } }],
  });
  const sim = await startSimBench({ bench, runDir, timeScale: 20, onError: (e) => t.fail(e.message) });
  const entry = sim.boards[0] as RunningSimBench['boards'][number];
  const locate = serialPortLocator(entry.id, { serial: entry.serial });
  let slowUntil = 0;
  const capture = SerialLogCapture.start({
    board: entry.name, file: join(t.testdir({}), 'trace.log'),
    locate: async () => (Date.now() < slowUntil ? undefined : locate()),
  });
  t.teardown(async () => {
    await capture.close();
    await sim.close();
    await rm(runDir, { recursive: true, force: true });
  });
  const board = sim.handles['photon-1'] as SimulatedBoard;
  t.ok(await capture.waitFor(AFTER_10_S, { withinMs: 5000 }));
  slowUntil = Date.now() + 5000;
  const firstResetAt = Date.now();
  board.reset('pin_reset');
  await until(() => !capture.connected, 'the port to vanish');
  const asked = Date.now();
  await capture.untilListening({ withinMs: 3000 });
  t.ok(Date.now() - asked < 500, `no port to be found: an action need not wait (${Date.now() - asked} ms)`);
  // The boot after the pin reset prints its lines to a port nobody opens; then the board resets again.
  await new Promise((r) => setTimeout(r, 1500));
  board.reset('user');
  slowUntil = 0;
  const back = await capture.waitFor(/reset reason: user/, { fromSeq: capture.lines().length, withinMs: 5000 });
  t.ok(back, 'the boot after the second reset is captured');
  t.notOk(capture.lines().some((l) => /reset reason: pin_reset/.test(l.text)), 'nothing of the boot in between reached the capture');
  const span = capture.blindSpans().at(-1)!;
  t.ok(span.from <= firstResetAt + 1000 && span.from >= firstResetAt, 'the blind span begins when the port went away');
  t.ok(span.to !== undefined && span.to > firstResetAt + 1500, 'and ends only after the second reset: the boot in between was all inside it');
});

t.test('lines that arrive right after the reopen may date from when the port went away; later ones do not', async (t) => {
  // Fast enough that the boot's first lines are printed before the host can reopen the port (it looks every 20 ms).
  const { board, capture } = await rig(t, { logRate: 50, timeScale: 200 });
  t.ok(await capture.waitFor(AFTER_10_S, { withinMs: 5000 }));
  t.ok(capture.lines().every((l) => l.printedFrom === undefined), 'the first open has no gap before it');
  const resetAt = Date.now();
  board.reset('pin_reset');
  await until(() => !capture.connected, 'the port to vanish');
  const from = capture.lines().length;
  const first = await capture.waitFor(/./, { fromSeq: from, withinMs: 5000 });
  t.ok(first?.printedFrom !== undefined, 'the first line after the reopen is marked');
  t.ok(first!.printedFrom! >= resetAt && first!.printedFrom! <= first!.at, 'with when the port went away, before it arrived');
  await new Promise((r) => setTimeout(r, 3 * REOPEN_BURST_MS));
  const late = await capture.waitFor(APP_LINE, { fromSeq: capture.lines().length, withinMs: 3000 });
  t.equal(late?.printedFrom, undefined, 'a line well after the reopen is its arrival');
});

t.test('a DFU round trip: 14400 baud, dfu-util, the new app\'s lines on the same capture', async (t) => {
  const { sim, board, capture } = await rig(t, { logRate: 50 });
  await capture.waitFor(APP_LINE, { fromSeq: 5, withinMs: 3000 });
  t.ok(await dfuByBaud(capture), 'the capture lends its port for the 14400-baud request');
  await until(() => board.usb === 'dfu', 'DFU mode');
  const image = makeTestApp({ platform: 'photon', version: 7, behaviour: { logRate: 50 } });
  await flashDfu({ usb: { kind: 'socket', socket: sim.usb.socket } }, { deviceId: board.id, platform: PLATFORMS.photon }, { image, info: parseModule(image) });
  const v7 = await capture.waitFor(/\[app\] INFO: app v7 running/, { withinMs: 5000 });
  t.ok(v7, 'the new app logs on the reopened port');
  const texts = capture.lines().map((l) => l.text);
  t.ok(texts.some((l) => l.includes('app v1 running')), 'the old app\'s lines are kept');
  t.same(gapsIn(capture.lines(), 20), { problems: [], boots: 2 }, 'two boots, nothing lost or repeated');
});

t.test('serial flashing on the capture\'s port: the session\'s lines are recorded, the new app follows', async (t) => {
  const { board, capture } = await rig(t, { logRate: 20 });
  await capture.waitFor(APP_LINE, { withinMs: 3000 });
  const image = makeTestApp({ platform: 'photon', version: 5 });
  const report = await flashOverSerial(capture, image);
  t.ok(report.messages.includes('Downloaded file successfully!'));
  t.ok(await capture.waitFor(/^Restarting system to apply firmware update/, { withinMs: 1000 }), 'the board\'s lines during the session are in the capture too');
  t.ok(await capture.waitFor(/app v5 running/, { withinMs: 5000 }), 'and the new app\'s lines after the restart');
  t.equal(board.runningAppHash(), parseModule(image).sha256);
});

t.test('a session borrowing the port loses none of the bytes that arrive meanwhile', async (t) => {
  const { capture } = await rig(t, { logRate: 200 });
  await capture.waitFor(APP_LINE, { withinMs: 3000 });
  const from = capture.lines().length;
  await capture.use(() => new Promise((r) => setTimeout(r, 300)));
  await capture.waitFor(APP_LINE, { fromSeq: capture.lines().length + 20, withinMs: 3000 });
  t.ok(capture.lines().length - from > 60, 'lines kept arriving during the session');
  t.same(gapsIn(capture.lines().slice(from), 5), { problems: [], boots: 1 });
});

t.test('a board logging fast: every line, in order', async (t) => {
  // 1000 lines/s of board time at scale 2: 2000 lines (76 KB) a second of wall time.
  // The simulated board shares this process and its PTY holds 20 KB: were
  // the machine to stall this process for longer than that lasts, the
  // *board* would drop output, as a real one does when nobody reads. The
  // rate keeps that out of reach; the capture itself parses ~20 MB/s.
  const { capture } = await rig(t, { logRate: 1000, timeScale: 2, systemThread: true });
  await capture.waitFor(APP_LINE, { withinMs: 3000 });
  await new Promise((r) => setTimeout(r, 1000));
  const lines = capture.lines();
  t.ok(lines.length > 1000, `${lines.length} lines in a second`);
  t.same(gapsIn(lines, 1), { problems: [], boots: 1 }, 'no gap and no repeat in the board\'s millisecond stamps');
  t.ok(lines.every((l) => APP_LINE.test(l.text) || /^\d{10} \[/.test(l.text)), 'no line corrupted');
});

t.test('waitFor and tail', async (t) => {
  const { capture } = await rig(t, { logRate: 50 });
  const first = await capture.waitFor(APP_LINE, { withinMs: 3000 });
  t.ok(first);
  const later = await capture.waitFor(/app v1 running/g, { fromSeq: (first?.seq ?? 0) + 3, withinMs: 3000 });
  t.equal(later?.seq, (first?.seq ?? 0) + 3, 'the first match from fromSeq on, also with a /g pattern');
  t.equal(await capture.waitFor(/never printed/, { withinMs: 100 }), undefined, 'undefined on timeout');
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('step cancelled')), 50);
  await t.rejects(capture.waitFor(/never printed/, { withinMs: 5000, signal: ac.signal }), { message: 'step cancelled' });
  const seq = later?.seq ?? 0;
  t.same(capture.tail(2, seq).map((l) => l.seq), [seq - 2, seq - 1], 'the lines before a seq');
  t.equal(capture.tail(3).length, 3);
  t.same(capture.tail(5, 0), []);
  const pending = capture.waitFor(/never printed/, { withinMs: 60_000 });
  await capture.close();
  t.equal(await pending, undefined, 'close ends every wait');
});

t.test('a port that cannot be opened: sessions say why when they give up', async (t) => {
  const dir = t.testdir({ 'not-a-tty': 'plain file' });
  const capture = SerialLogCapture.start({ board: 'photon-9', locate: async () => join(dir, 'not-a-tty'), file: join(dir, 'trace.log'), retry: { minMs: 10, maxMs: 20 } });
  t.teardown(() => capture.close());
  const err = await capture.use(async () => 'never', { timeoutMs: 300 }).catch((e: unknown) => e);
  t.equal((err as Error).name, 'InfraError');
  t.match((err as Error).message, /^photon-9: no serial port within 300 ms \(last attempt: cannot open serial port .*not-a-tty: .+\)$/);
  t.equal(capture.connected, false);
  t.equal(capture.bytes, 0);
});

t.test('untilListening returns once the capture holds the port of the boot after a reset', async (t) => {
  const { board, capture, sim } = await rig(t, { logRate: 50 });
  t.ok(await capture.waitFor(AFTER_10_S, { withinMs: 5000 }));
  const link = sim.boards[0]!.serial!;
  const nodeOf = (): string | undefined => (existsSync(link) ? String(lstatSync(link, { bigint: true }).ctimeNs) : undefined);
  const before = nodeOf();
  const resetAt = Date.now();
  board.reset('pin_reset');
  // Asked once the next boot's port is there (asked while there is none, it returns at once: the test above).
  await until(() => nodeOf() !== undefined && nodeOf() !== before, 'the next boot\'s port');
  await capture.untilListening({ withinMs: 5000 });
  t.ok(capture.connected, 'the port is open');
  const span = capture.blindSpans().at(-1)!;
  t.ok(span.from >= resetAt && span.to !== undefined, 'and it is the new boot\'s: the reset\'s blind span has ended');
  const first = await capture.waitFor(/reset reason: pin_reset/, { withinMs: 3000 });
  t.ok(first, 'the new boot is heard from its first line');
});
