// Waits and stops in the lab with real parts (a real redis-server, two
// `rig agent` processes, `rig run --queue` coordinators): a job waits in
// its board's queue behind another run only as long as --lock-wait says,
// then it is infrastructure; an agent stopped (SIGTERM) mid-job bails out
// at its step, and its jobs are infrastructure naming the host and step.
import t from 'tap';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { boardLeases } from '../../src/lab/lease.js';
import { labJobCounts, exitWithin, fixture, untilOutput, readReport, startAgent, startCoordinator, untilServing, openTestLab } from './fixtures/lab.js';


const { redis, env, dir, lab } = await openTestLab(t, 'lab-waits');
const agents = ['bench-1', 'bench-2'].map((h) => startAgent(t, dir, h, redis.url, env));
const logs = () => agents.map((a, i) => `bench-${i + 1}:\n${a.log()}`).join('\n');

const jobCounts = () => labJobCounts(lab);

t.before(() => untilServing(lab, agents, 4, logs));

t.test('a job waits in its board\'s queue behind another run only as long as --lock-wait says', async (t) => {
  const holder = startCoordinator(t, dir, join(dir, 'holder'), redis.url, env, [fixture('lab-long.yaml')], ['--board', 'photon-1']);
  await untilOutput(holder, /photon-1 @ bench-1 · lab-long: \[2\/4\]/, 60_000, logs);
  const waiter = startCoordinator(t, dir, join(dir, 'waiter'), redis.url, env, [fixture('lab-flash.yaml')], ['--lock-wait', '2s', '--board', 'photon-1']);
  t.equal(await exitWithin(waiter, 30_000), 3, `the waiting run gives up, not green:\n${waiter.log()}`);
  const report = await readReport(join(dir, 'waiter'));
  t.same(report.boards.map((b) => [b.name, b.status, b.diagnosis]), [
    ['photon-1', 'infra', 'the board was busy with other runs\' jobs for 2 s; the job did not start (--lock-wait)'],
  ]);
  holder.child.kill('SIGINT');
  t.equal(await exitWithin(holder, 30_000), 3, 'the holder, cancelled, ends too');
  t.equal(Object.values(await jobCounts()).reduce((a, b) => a + b, 0), 0, 'neither left a job behind');
});

t.test('an agent stopped (SIGTERM) mid-job bails out at its step: infrastructure naming the host and the step; the others pass', async (t) => {
  const reportDir = join(dir, 'host-stopped');
  const run = startCoordinator(t, dir, reportDir, redis.url, env, [fixture('lab-long.yaml')]);
  await untilOutput(run, /(?=[\s\S]*argon-2 @ bench-2 · lab-long: \[2\/4\])(?=[\s\S]*photon-2 @ bench-2 · lab-long: \[2\/4\])/, 60_000, logs);
  await sleep(500);
  agents[1]!.child.kill('SIGTERM');
  t.equal((await exitWithin(agents[1]!, 20_000)), 0, 'the agent leaves the lab and exits 0');
  t.match(agents[1]!.log(), /job \S+ ended: infra/, 'its jobs ended as infrastructure');
  t.equal(await exitWithin(run, 90_000), 3, `the run is not green:\n${run.log()}`);
  const report = await readReport(reportDir);
  for (const b of report.boards) {
    if (b.host !== 'bench-2') {
      t.equal(b.status, 'pass', `${b.name}: passes (its lock was renewed through a ${b.durationMs} ms job)`);
      continue;
    }
    t.equal(b.status, 'infra', `${b.name}: infrastructure`);
    t.equal(b.diagnosis, `host bench-2 was stopped by SIGTERM during step 3 (wait 25m) of lab-long on ${b.name}`);
    t.same(b.steps.map((s) => s.status), ['pass', 'pass', 'skip', 'skip'], `${b.name}: the finished steps kept, the cut one and the rest skipped`);
  }
  t.same([...(await boardLeases(lab.redis)).keys()], [], 'no board leased');
});

t.test('the lab\'s Redis going away mid-run: the coordinator still writes its report, bailed out, within bounded time', async (t) => {
  const reportDir = join(dir, 'redis-gone');
  const run = startCoordinator(t, dir, reportDir, redis.url, env, [fixture('lab-long.yaml')], ['--board', 'photon-1']);
  await untilOutput(run, /photon-1 @ bench-1 · lab-long: \[2\/4\]/, 60_000, logs);
  // Last: the other tests of this file need the server.
  await lab.redis.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
  const gone = Date.now();
  t.equal(await exitWithin(run, 30_000), 3, `exit 3:\n${run.log()}`);
  t.ok(Date.now() - gone < 15_000, `the coordinator ended ${Date.now() - gone} ms after Redis went away`);
  const report = await readReport(reportDir);
  t.match(report.bailOut?.reason, /^lost the lab's Redis at redis:\/\/127\.0\.0\.1:\d+ during the run: /, 'the report bails out, saying the lab was lost');
  t.same(report.boards.map((b) => [b.name, b.status]), [['photon-1', 'infra']], 'the job is infrastructure, not a pass nor a skip');
  t.notMatch(run.log() + JSON.stringify(report), redis.password, 'the password is not in what it said');
});
