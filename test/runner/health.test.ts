// Health checks (issue 13): before a board's first job the rig makes sure it
// can reach it at all. A board unplugged before the run is reported once as
// infrastructure with the reason, for each of its jobs, while the other
// boards run and pass; the history keeps each board's health, and `rig
// boards` names a board unhealthy several runs in a row. A bench's own
// health plan that does not pass makes the board unhealthy too.
// The simulated bench runs as a real bench is configured (its addresses in
// the bench file), so the test can pull a cable before the run, as a person
// at the bench would, through the bench control service.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBoardHealth } from '../../src/history/health.js';
import { runRig } from '../cli/run-rig.js';
import { readTap } from '../e2e/run-report.js';
import { ownLockDir, PHOTON, runPlans } from './fixtures/run.js';
import { faultFromOutside, servedBench } from './fixtures/served-bench.js';

ownLockDir();

const BOTH = 'plan: both\nsteps:\n  - expect-mode: normal\n';
const PHOTON_ONLY = 'plan: photon-only\nboards: { names: [photon-1] }\nsteps:\n  - expect-mode: normal\n';

t.test('a board unplugged before the run is infrastructure with the reason, for each of its jobs, while the other board passes; the history and rig boards keep it', async (t) => {
  const { sim, dir, benchFile } = await servedBench(t, 'health', { health: { timeout: '10s' } });
  await faultFromOutside(sim, 'usb-unplug');
  const history = join(dir, 'history.db');
  const seen: string[] = [];
  const run = await runPlans(t, { 'both.yaml': BOTH, 'photon-only.yaml': PHOTON_ONLY }, {
    benchFile, history, watch: { health: (h, jobs) => seen.push(`${h.name} ${h.healthy ? 'healthy' : 'unhealthy'} ${jobs}`) },
  });
  t.equal(run.exitCode, 3, 'an unhealthy board is the bench\'s problem: exit 3');
  t.same(seen.sort(), ['argon-1 healthy 1', 'photon-1 unhealthy 2'], 'each board is checked once, before its first job');
  t.same(run.report.boards.map((b) => [b.plan, b.name]), [['both', 'photon-1'], ['both', 'argon-1'], ['photon-only', 'photon-1']], 'one row per job, in plan order');
  t.same(run.report.boards.filter((b) => b.name === 'photon-1').map((b) => b.status), ['infra', 'infra']);
  t.equal(run.board('argon-1').steps[0]?.status, 'pass', 'the healthy board ran its job and passed');
  for (const b of run.report.boards.filter((x) => x.name === 'photon-1')) {
    t.match(b.diagnosis, /^the board failed its health check: not on USB/, `${b.plan}: the reason, not a test failure`);
    t.same(b.steps, [], 'no step of it was run');
  }
  const photon = run.report.health?.find((h) => h.name === 'photon-1');
  t.same(photon?.checks.map((c) => [c.name, c.ok]), [['usb', false]], 'the first look failed and ended the check');
  const argon = run.report.health?.find((h) => h.name === 'argon-1');
  t.same(argon?.checks.map((c) => [c.name, c.ok]), [['usb', true], ['control', true], ['serial', true], ['cloud', true]], 'every look of the healthy board, the cloud included');
  const tap = readTap(run.dir);
  t.match(tap.text, /# health: photon-1 unhealthy: not on USB/, 'the TAP report says it once, as a comment');

  // A second run with the cable still out: two runs in a row.
  await runPlans(t, { 'photon-only.yaml': PHOTON_ONLY }, { benchFile, history });
  const kept = readBoardHealth(history);
  t.equal(kept.get(PHOTON)?.unhealthyRuns, 2, 'the history keeps the streak');
  t.match(kept.get(PHOTON)?.reason, /not on USB/);
  t.equal(kept.get('e00fce68a1b2c3d4e5f60718')?.unhealthyRuns, 0);

  const listed = await runRig(['boards', '--bench', benchFile, '--history', history]);
  t.equal(listed.code, 0, listed.stderr);
  t.match(listed.stdout, /photon-1 .*absent .*UNHEALTHY in the last 2 runs in a row: not on USB/, 'rig boards names it');
  t.match(listed.stdout, /argon-1 .*normal .*healthy/);

  const checked = await runRig(['boards', '--health', '--bench', benchFile, '--history', history]);
  t.equal(checked.code, 3, 'rig boards --health exits 3 when a board is not healthy');
  t.match(checked.stdout, /photon-1 .*UNHEALTHY: not on USB/);

  // Cable back: the next run's check finds it healthy, and the streak ends.
  await faultFromOutside(sim, 'usb-replug');
  const back = await runPlans(t, { 'photon-only.yaml': PHOTON_ONLY }, { benchFile, history });
  t.equal(back.exitCode, 0, JSON.stringify(back.report.health));
  t.equal(readBoardHealth(history).get(PHOTON)?.unhealthyRuns, 0);
});

t.test('a bench health plan that does not pass makes the board unhealthy; --no-health runs the jobs anyway', async (t) => {
  const { dir, benchFile } = await servedBench(t, 'health', { health: { timeout: '10s', plan: 'health-plan.yaml' } });
  writeFileSync(join(dir, 'health-plan.yaml'), 'plan: bench-health\nboards: { names: [photon-1] }\nsteps:\n  - expect-mode: dfu\n    timeout: 2s\n');
  const run = await runPlans(t, { 'both.yaml': BOTH }, { benchFile, history: false });
  t.equal(run.board('photon-1').status, 'infra');
  t.match(run.board('photon-1').diagnosis, /health check: its health plan bench-health did not pass: expect-mode dfu/);
  const h = run.report.health?.find((x) => x.name === 'photon-1');
  t.equal(h?.plan?.status, 'fail', 'the health plan\'s own verdict is kept');
  t.equal(run.board('argon-1').steps[0]?.status, 'pass', 'a board the health plan does not select is checked by the looks alone');
  t.notOk(run.report.health?.find((x) => x.name === 'argon-1')?.plan);

  const unchecked = await runPlans(t, { 'both.yaml': BOTH }, { benchFile, history: false, health: false });
  t.equal(unchecked.exitCode, 0);
  t.equal(unchecked.report.health, undefined, 'no health check was made');
});
