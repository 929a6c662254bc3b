// Issue 10's fault matrix: {power cut, USB unplug, reset} x {dfu, serial,
// ota, usb} x {10%, 50%, 90%} on a Photon (Gen2), an Argon (Gen3) and a P2,
// all in one run through the runner, each cell its own plan. Every cell's
// flash ends within its timeout + 5 s with the verdict `interrupted`, naming
// the fault and where it fired; the same plan then recovers the board with a
// DFU flash (`applied`, proven by the app hash) and the run exits 0; and every
// plan begins with its board present (the plan before it left it clean).
// Prints the table (cell, verdict, seconds, what the board did, recovered) the issue asks for.
import t from 'tap';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownLockDir, runPlans } from './fixtures/run.js';
import { ROOT } from '../cli/run-rig.js';

ownLockDir();

const FAULTS = { 'power-cut': 'power cut', 'usb-unplug': 'USB unplug', reset: 'reset' } as const;
const TRANSFERS = ['dfu', 'serial', 'ota', 'usb'] as const;
const PERCENTS = [10, 50, 90] as const;
const BOARDS = ['photon-1', 'argon-1', 'p2-1'] as const;
/**
 * The flash step's own limit, board time: at the bench's x50, 12 s of wall time. The three boards
 * run their cells at once (a job per plan and board), so on a loaded 2-core machine a cell's
 * flash, its fault and the board coming back can take a few seconds of wall time; no cell should
 * come near this, and the check below still bounds a hung one.
 */
const FLASH_TIMEOUT_MS = 600_000;
const TIME_SCALE = 50;

/** What brings the board back after each fault: the plan's own recovery. */
const UNDO: Record<keyof typeof FAULTS, string[]> = {
  'power-cut': ['  - power: on'],
  'usb-unplug': ['  - fault: usb-replug'],
  reset: [],
};

function cellPlan(fault: keyof typeof FAULTS, transfer: string, percent: number): string {
  return [
    `plan: ${fault}-${transfer}-${percent}`,
    'timeout: 10m',
    // 64 KB: a transfer long enough that 10 %, 50 % and 90 % are different moments of it.
    'firmware: { new: { make: { version: 40, size: 64KB } }, recovery: { make: { version: 41 } } }',
    'steps:',
    // The board is there and running when the plan begins: the plan before it left the bench clean.
    '  - expect-mode: normal', '    within: 5s',
    `  - fault: { kind: ${fault}, at: { transfer: ${transfer}, percent: ${percent}% } }`,
    '  - flash: new', `    via: ${transfer}`, '    expect: interrupted', `    timeout: ${FLASH_TIMEOUT_MS / 1000}s`,
    ...UNDO[fault],
    '  - flash: recovery', '    via: dfu', '    expect: applied',
    '  - expect-app: recovery',
    '',
  ].join('\n');
}

t.test('every cell is interrupted, named, and recovered; every plan starts with its board present', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-fault-matrix-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const benchFile = join(dir, 'fault-matrix.yaml');
  copyFileSync(join(ROOT, 'test/runner/fixtures/fault-matrix.yaml'), benchFile);
  const plans: Record<string, string> = {};
  const cells: { fault: keyof typeof FAULTS; transfer: string; percent: number }[] = [];
  for (const fault of Object.keys(FAULTS) as (keyof typeof FAULTS)[]) {
    for (const transfer of TRANSFERS) {
      for (const percent of PERCENTS) {
        plans[`${fault}-${transfer}-${percent}.yaml`] = cellPlan(fault, transfer, percent);
        cells.push({ fault, transfer, percent });
      }
    }
  }
  const run = await runPlans(t, plans, { benchFile });
  const table: string[] = ['| board | cell | verdict | seconds | then | recovered |', '|---|---|---|---|---|---|'];
  for (const board of BOARDS) {
    const reports = run.report.boards.filter((b) => b.name === board);
    t.equal(reports.length, cells.length, `${board} ran every cell`);
    for (const [i, cell] of cells.entries()) {
      const r = reports[i]!;
      const name = `${board} ${cell.fault} at ${cell.percent}% of ${cell.transfer}`;
      t.equal(r.plan, `${cell.fault}-${cell.transfer}-${cell.percent}`, `${name}: plans in order`);
      const [present, , flash, ...rest] = r.steps;
      t.equal(present?.status, 'pass', `${name}: the board was present when the plan began: ${present?.diagnosis ?? ''}`);
      t.equal(flash?.status, 'pass', `${name}: ${flash?.diagnosis ?? flash?.skipReason ?? ''}`);
      t.equal(flash?.actual, 'interrupted', `${name}: the verdict`);
      t.match(flash?.diagnosis ?? '', FAULTS[cell.fault], `${name}: the diagnosis names the fault`);
      t.match(flash?.diagnosis ?? '', `armed at ${cell.percent}% of`, `${name}: and where it was armed`);
      t.ok((flash?.durationMs ?? Infinity) <= FLASH_TIMEOUT_MS / TIME_SCALE + 5000, `${name}: ended within its timeout + 5 s (${flash?.durationMs} ms)`);
      const recovered = rest.every((s) => s.status === 'pass');
      t.ok(recovered, `${name}: recovered: ${JSON.stringify(rest.map((s) => [s.name, s.status, s.diagnosis]))}`);
      const proof = rest.at(-1)?.details as { source?: string } | undefined;
      t.ok(proof?.source, `${name}: the recovery proven by the app hash the board reported`);
      const then = (flash?.details as { fault?: { afterwards?: string } } | undefined)?.fault?.afterwards ?? '';
      table.push(`| ${board} | ${cell.fault} @ ${cell.transfer} ${cell.percent}% | ${flash?.actual} | ${((flash?.durationMs ?? 0) / 1000).toFixed(2)} | ${then} | ${recovered ? 'yes' : 'no'} |`);
    }
  }
  t.equal(run.exitCode, 0, 'the run exits 0');
  t.comment(`fault matrix:\n${table.join('\n')}`);
});
