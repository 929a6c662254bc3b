// Runs in the kernel bench's guest (test/hardware-path/): the rig's log
// capture follows a board across a reset whose serial port comes back under
// another ttyACM number, and keeps every line. The capture finds the port
// by device ID through udev, as on a lab bench. Another process's handle on
// the old port (held here) keeps its tty number taken, so the kernel names
// the board's next port ttyACM1, as happens on a host where something still
// has the port open. Prints one JSON line with what it saw; exit 0 = kept.
import { openSync, closeSync, constants, realpathSync, mkdtempSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SerialLogCapture } from '../../../dist/board/log-capture.js';
import { findSerialPort, serialPortLocator } from '../../../dist/board/serial-port-finder.js';

const bench = readFileSync(process.env.RIG_BENCH, 'utf8');
// The Photon of the kernel bench (rig/kernel-sim.yaml): its app logs ten lines a board second.
const id = /name: photon-1, platform: photon, id: ([0-9a-f]{24})/.exec(bench)[1];
const control = /control: \{ api: (\S+) \}/.exec(bench)[1];
const APP_LINE = /^(\d{10}) \[app\] INFO: (.*)$/;

const ttyNow = async () => {
  const p = await findSerialPort(id);
  try {
    return p && realpathSync(p);
  } catch {
    return undefined;
  }
};
const until = async (check, what, ms) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const dir = mkdtempSync(join(tmpdir(), 'capture-'));
const capture = SerialLogCapture.start({ board: 'photon-1', locate: serialPortLocator(id), file: join(dir, 'trace.log') });
const first = await capture.waitFor(APP_LINE, { withinMs: 20_000 });
if (!first) throw new Error('no app line');
await capture.waitFor(APP_LINE, { fromSeq: first.seq + 3, withinMs: 30_000 });

/** Resets the board (bench control) and waits for app lines of its next boot; returns the port before and after. */
async function resetAndFollow(hold) {
  const before = await ttyNow();
  const held = hold ? openSync(before, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY) : undefined;
  const res = await fetch(`${control}/v1/boards/${id}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: { kind: 'reset' } }) });
  if (res.status !== 204) throw new Error(`reset: HTTP ${res.status}`);
  const resetAt = Date.now();
  await until(() => !capture.connected, 'the port to vanish', 20_000);
  const from = capture.lines().length;
  const after = await capture.waitFor(APP_LINE, { fromSeq: from, withinMs: 30_000 });
  if (!after) throw new Error('no app line after the reset');
  const reopenedMs = Date.now() - resetAt;
  const afterTty = await ttyNow();
  await capture.waitFor(APP_LINE, { fromSeq: after.seq + 3, withinMs: 30_000 });
  if (held !== undefined) closeSync(held);
  return { before, after: afterTty, reopenedMs };
}

// A first reset gives a boot seen from its start (the reference); the second,
// with the old port held open, comes back under another name.
await resetAndFollow(false);
const renamed = await resetAndFollow(true);
await capture.close();

// App lines of one boot come at a fixed period of board time: a gap or a repeat means bytes went missing or came twice.
const boots = [];
for (const l of capture.lines()) {
  const m = APP_LINE.exec(l.text);
  if (!m) continue;
  const cur = { ms: Number(m[1]), message: m[2], seq: l.seq };
  const last = boots.at(-1)?.at(-1);
  if (!last || cur.ms < last.ms || cur.message !== last.message) boots.push([cur]);
  else boots.at(-1).push(cur);
}
const periods = boots.flatMap((b) => b.slice(1).map((c, i) => c.ms - b[i].ms));
const period = periods.sort((a, b) => a - b)[periods.length >> 1];
const problems = boots.flatMap((b) => b.slice(1).flatMap((c, i) => (c.ms - b[i].ms === period ? [] : [`seq ${c.seq}: ${b[i].ms} -> ${c.ms}`])));
const result = {
  before: renamed.before, after: renamed.after, reopenedMs: renamed.reopenedMs, lines: capture.lines().length, boots: boots.length, periodMs: period, problems,
  firstLineOfReferenceBootMs: boots[1]?.[0]?.ms, firstLineOfRenamedBootMs: boots[2]?.[0]?.ms,
  // The board prints no empty lines: each one is a CR LF the kernel's line discipline turned into
  // LF LF because it arrived during the open of a ttyACM number never used before, still cooked
  // (keep-input.ts). Said, not failed: no line is lost or doubled by it.
  emptyLines: capture.lines().filter((l) => l.text.trim() === '').length,
  bootSpans: boots.map((b) => `${b[0].ms}..${b.at(-1).ms} (${b.length}) ${b[0].message.slice(0, 30)}`),
};
console.log(`CAPTURE-RESULT ${JSON.stringify(result)}`);
// The renamed boot's lines are all there from its first: the same app starts logging at the same
// board time in every boot (within a few ms), so its first line is less than a period from the reference's.
const kept = boots.length === 3 && problems.length === 0 && Math.abs(result.firstLineOfRenamedBootMs - result.firstLineOfReferenceBootMs) < period;
process.exit(kept && renamed.before !== renamed.after ? 0 : 1);
