// A run stopped through its signal (what Ctrl-C and SIGTERM abort in the
// CLI): the step it cut short is not carried out (skip, not a failure, even
// under a time limit of its own), what was done before is kept, later plans
// are not run, the boards are closed and unlocked, the simulated bench is
// stopped, and the report is still written and bails out with the reason.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readTap } from '../e2e/run-report.js';
import { ownBench, ownLockDir, plan, runPlans } from './fixtures/run.js';

const locks = ownLockDir();

function processesOf(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

t.test('stopped in the middle of a step: skipped with the reason, the rest not run, the report bails out', async (t) => {
  const stop = new AbortController();
  const notes: string[] = [];
  // Its own copy of the bench file: the other runner tests' benches, running meanwhile, are not this run's.
  const benchFile = ownBench(t);
  const run = await runPlans(t, {
    'long.yaml': plan('long', ['  - expect-mode: normal', '  - wait: 30m', '    timeout: 1h', '  - expect-mode: normal']),
    'later.yaml': plan('later', ['  - expect-mode: normal']),
  }, {
    benchFile,
    signal: stop.signal,
    watch: {
      note: (board, text) => {
        notes.push(`${board}: ${text}`);
        if (/^waiting \d+ ms of board time$/.test(text)) setTimeout(() => stop.abort('interrupted by SIGINT'), 50);
      },
    },
  });
  t.equal(run.exitCode, 3, 'a run cut short is not a pass, and not the firmware\'s failure');
  t.same(run.report.boards.map((b) => [b.plan, b.name]), [['long', 'photon-1'], ['later', 'photon-1']]);
  t.same(run.steps('photon-1'), [
    ['expect-mode normal', 'pass', undefined],
    ['wait 30m', 'skip', 'run interrupted: interrupted by SIGINT'],
    ['expect-mode normal', 'skip', 'not run: the run was interrupted'],
  ]);
  const later = run.report.boards[1]!;
  t.same([later.status, later.diagnosis, later.steps], ['skip', 'not run: interrupted by SIGINT', []], 'the next plan never started');
  t.equal(run.report.bailOut?.reason, 'interrupted by SIGINT');
  const tap = readTap(run.dir);
  t.equal(tap.bailout, 'interrupted by SIGINT', 'tap-parser reads the bail-out');
  t.match(tap.text, /ok 1 - expect-mode normal/, 'what was done before is kept');
  t.same(readdirSync(locks), [], 'the board is unlocked');
  t.same(processesOf(benchFile), [], 'the simulated bench the run started is gone');
});

t.test('stopped before it began: every board bails out, nothing is run', async (t) => {
  const stop = new AbortController();
  stop.abort('interrupted by SIGTERM');
  const run = await runPlans(t, { 'p.yaml': plan('p', ['  - expect-mode: normal']) }, { signal: stop.signal });
  t.equal(run.exitCode, 3);
  t.equal(run.report.bailOut?.reason, 'interrupted by SIGTERM');
  t.same(run.report.boards.map((b) => [b.status, b.steps.length]), [['skip', 0]]);
  t.same(readdirSync(locks), []);
});
