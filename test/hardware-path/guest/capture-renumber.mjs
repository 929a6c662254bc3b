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
const id = /id: ([0-9a-f]{24})/.exec(bench)[1];
const control = /control: \{ api: (\S+) \}/.exec(bench)[1];
const APP_LINE = /^(\d{10}) \[app\] INFO: (.*)$/;
const PERIOD_MS = 100; // log-rate 10 (rig/kernel-sim.yaml)

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
await capture.waitFor(APP_LINE, { fromSeq: first.seq + 20, withinMs: 20_000 });
const before = await ttyNow();
const held = openSync(before, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
const res = await fetch(`${control}/v1/boards/${id}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: { kind: 'reset' } }) });
if (res.status !== 204) throw new Error(`reset: HTTP ${res.status}`);
const resetAt = Date.now();
await until(() => !capture.connected, 'the port to vanish', 20_000);
const beforeReset = capture.lines().length;
const after = await capture.waitFor(/\[app\] INFO/, { fromSeq: beforeReset, withinMs: 30_000 });
const reopenedMs = Date.now() - resetAt;
const afterTty = await ttyNow();
if (after) await capture.waitFor(APP_LINE, { fromSeq: after.seq + 20, withinMs: 20_000 });
closeSync(held);
await capture.close();

// App lines of one boot are PERIOD_MS board ms apart: a gap or a repeat means bytes went missing or came twice.
const problems = [];
let prev;
let boots = 0;
let firstOfBoot1;
let firstOfBoot2;
for (const l of capture.lines()) {
  const m = APP_LINE.exec(l.text);
  if (!m) continue;
  const cur = { ms: Number(m[1]), message: m[2] };
  if (prev === undefined || cur.ms < prev.ms || cur.message !== prev.message) {
    boots++;
    if (boots === 1) firstOfBoot1 = cur.ms;
    if (boots === 2) firstOfBoot2 = cur.ms;
  } else if (cur.ms !== prev.ms + PERIOD_MS) problems.push(`seq ${l.seq}: ${prev.ms} -> ${cur.ms}`);
  prev = cur;
}
const result = { before, after: afterTty, lines: capture.lines().length, boots, problems, firstLineOfFirstBootMs: firstOfBoot1, firstLineOfSecondBootMs: firstOfBoot2, reopenedMs };
console.log(`CAPTURE-RESULT ${JSON.stringify(result)}`);
// The second boot's lines are all there from its first: the same app starts logging at the same board time in every boot.
process.exit(after && before !== afterTty && boots === 2 && problems.length === 0 && firstOfBoot1 === firstOfBoot2 ? 0 : 1);
