// Runs that are interrupted, and runs that want the same board at once.
import t from 'tap';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockBoard } from '../../src/runner/board-lock.js';
import type { DeviceId } from '../../src/core/domain.js';
import { ROOT, runRig } from '../cli/run-rig.js';
import { readTap } from './run-report.js';

const BENCH = join(ROOT, 'test/e2e/fixtures/two-boards.yaml');
const RIG = fileURLToPath(new URL('../../bin/rig.js', import.meta.url));
const PHOTON = '3a002c000847343337373738' as DeviceId;
process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));

/** A plan that flashes once and then waits long: a run that is still going when we act on it. */
const LONG_PLAN = 'plan: long\nboards: { names: [photon-1] }\nfirmware: { app: { make: { version: 3 } } }\nsteps:\n  - flash: app\n    via: dfu\n  - wait: 30m\n';

function startRun(args: string[]) {
  const child = spawn(process.execPath, [RIG, 'run', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stderrMatches = async (re: RegExp, ms: number) => {
    const until = Date.now() + ms;
    while (!re.test(stderr)) {
      if (Date.now() > until) throw new Error(`no ${re} in: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, stderr: () => stderr, stderrMatches };
}

function processesOf(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

t.test('SIGINT mid-run: a valid bailed-out report, nothing left running', async (t) => {
  const dir = t.testdir({ 'plan.yaml': LONG_PLAN });
  const run = startRun([join(dir, 'plan.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'out')]);
  await run.stderrMatches(/flash app via dfu: ok/, 60_000);
  run.child.kill('SIGINT');
  const code = await run.exited;
  t.equal(code, 3, `a cut-short run exits 3: ${run.stderr()}`);
  const tap = readTap(join(dir, 'out'));
  t.match(tap.bailout, /interrupted by SIGINT/, 'tap-parser reads the bail-out');
  t.match(tap.text, /ok 1 - flash app via dfu/, 'what was done before is kept');
  t.same(processesOf(BENCH), [], 'the simulated bench it started is gone');
  t.same(processesOf('dfu-util'), [], 'no dfu-util left');
});

t.test('two runs never share a board: the second waits, then fails clearly', async (t) => {
  const dir = t.testdir({ 'plan.yaml': LONG_PLAN, 'short.yaml': 'plan: short\nboards: { names: [photon-1] }\nsteps:\n  - expect-mode: normal\n' });
  const first = startRun([join(dir, 'plan.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'a')]);
  t.teardown(() => first.child.kill('SIGKILL'));
  await first.stderrMatches(/flash app via dfu: ok/, 60_000);
  const started = Date.now();
  const second = await runRig(['run', join(dir, 'short.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'b'), '--lock-wait', '2s']);
  t.equal(second.code, 3, 'infrastructure, not a test failure');
  t.match(second.stderr, /board photon-1 \(3a002c000847343337373738\) is in use by run .* \(pid \d+ on /);
  t.ok(Date.now() - started >= 2000, 'it waited for the lock first');
  t.match(second.stderr, /rig: photon-1 is in use by run .* \(pid \d+ on .*\) since .*; waiting up to 2s for it \(--lock-wait\)\n/, 'and said whose lock it waits for, and how long, while it waited');
  t.match(second.stderr, /rig: board photon-1 .*is in use by run/, 'the reason is on the console, not only in the report');
  first.child.kill('SIGINT');
  await first.exited;
  const third = await runRig(['run', join(dir, 'short.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'c')]);
  t.equal(third.code, 0, `once released the board is free: ${third.stderr}`);
});

t.test('a lock left by a run that died does not block', async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, `${PHOTON}.lock`), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), runId: 'dead', board: 'photon-1', since: '2026-01-01T00:00:00Z' }));
  const lock = await lockBoard(PHOTON, { board: 'photon-1', runId: 'now' }, { waitMs: 0, dir });
  t.ok(lock, 'taken over');
  await t.rejects(lockBoard(PHOTON, { board: 'photon-1', runId: 'other' }, { waitMs: 100, dir }), /in use by run now/);
  lock.release();
  const again = await lockBoard(PHOTON, { board: 'photon-1', runId: 'later' }, { waitMs: 0, dir });
  again.release();
});
