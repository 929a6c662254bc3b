// A board's health in the lab after its agent started, with real parts (a
// real redis-server, `rig sim` as the host's boards, `rig agent` on a lab
// bench file reaching them, `rig run --queue` coordinators). A board goes
// off after its agent checked it (switched off at the bench's control
// service, as a pulled cable or a dead supply would); the next run's first
// job on it checks its health before anything is flashed, and is
// infrastructure saying so, never a firmware failure; the registry learns
// it, so the run after that does not send the board a job; once the board
// is powered again, the agent's re-check finds it healthy and it serves
// again without a restart. Redis restarted without its data: the agent
// puts its boards back and takes jobs again.
import t from 'tap';
import { join } from 'node:path';
import { connectLab } from '../../src/lab/connection.js';
import { labBoards } from '../../src/lab/registry.js';
import { exitWithin, fixture, jobsStarted, readReport, startAgentOn, startCoordinator, startSimBench, untilLab, untilServing, openTestLab } from './fixtures/lab.js';

const { redis, env, dir, lab } = await openTestLab(t, 'lab-health');
const bench = await startSimBench(t, dir, fixture('bench-1.yaml'), 'lab-1');
const agent = startAgentOn(t, dir, 'bench-1', bench.benchFile, redis.url, env, ['--recheck', '1s']);
const logs = () => agent.log();
const photon = bench.boards.find((b) => b.name === 'photon-1')!;
const healthOf = async (name: string) => (await labBoards(lab.redis)).find((b) => b.name === name)?.health;

t.before(() => untilServing(lab, [agent], 2, logs));

const power = (action: 'on' | 'off') => fetch(`${bench.control}/v1/boards/${photon.id}/power`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action }) });

t.test('a board that went off after its agent started: checked before the next run\'s first job, refused after, serving again once back', async (t) => {
  const first = startCoordinator(t, dir, join(dir, 'first'), redis.url, env, [fixture('lab-flash.yaml')], ['--board', 'photon-1']);
  t.equal(await exitWithin(first, 60_000), 0, `a run on the board passes:\n${first.log()}`);
  t.equal((await power('off')).status, 204, 'then the board is switched off at the bench');
  t.match(await healthOf('photon-1'), { state: 'healthy' }, 'the registry cannot know yet: nobody has looked since');

  const next = startCoordinator(t, dir, join(dir, 'next'), redis.url, env, [fixture('lab-flash.yaml')], ['--board', 'photon-1']);
  t.equal(await exitWithin(next, 60_000), 3, `the next run is infrastructure, not green and not a firmware failure:\n${next.log()}`);
  const report = await readReport(join(dir, 'next'));
  t.match(report.boards, [{ name: 'photon-1', status: 'infra', diagnosis: /^the board failed its health check: /, steps: [] }], 'no step ran: nothing was flashed onto a board that is off');
  t.match(report.health, [{ name: 'photon-1', healthy: false }], 'the report has the check its host made');
  t.match(await healthOf('photon-1'), { state: 'unhealthy', reason: /\S/ }, 'the registry learned it');
  t.match(await healthOf('argon-1'), { state: 'healthy' }, 'the other board is untouched');

  const started = jobsStarted([agent.log()]).size;
  const refused = startCoordinator(t, dir, join(dir, 'refused'), redis.url, env, [fixture('lab-flash.yaml')], ['--board', 'photon-1']);
  t.equal(await exitWithin(refused, 60_000), 3, 'the run after is infrastructure too');
  t.match((await readReport(join(dir, 'refused'))).boards, [{ name: 'photon-1', status: 'infra', diagnosis: /failed its health check on host bench-1/ }]);
  t.equal(jobsStarted([agent.log()]).size, started, 'and its job was never sent to the host');

  // The board powered again by hand, at the bench's control service.
  t.equal((await power('on')).status, 204, 'powered on at the bench');
  const back = await untilLab(lab, (b) => b.find((x) => x.name === 'photon-1')?.health.state === 'healthy', 30_000, 'photon-1 healthy again', logs);
  t.comment(`healthy again in the registry ${back.ms} ms after it was powered on (re-check every 1 s)`);
  // Named as NAME@HOST, as where two hosts each have a photon-1.
  const again = startCoordinator(t, dir, join(dir, 'again'), redis.url, env, [fixture('lab-flash.yaml')], ['--board', 'photon-1@bench-1']);
  t.equal(await exitWithin(again, 60_000), 0, `it serves again, with no restart of its agent:\n${again.log()}`);
  t.match((await readReport(join(dir, 'again'))).health, [{ name: 'photon-1', healthy: true }], 'checked again before that run\'s first job');
});

t.test('Redis restarted without its data under a running agent: its boards are back in the lab within a heartbeat, and take jobs', async (t) => {
  await redis.restart();
  const after = await connectLab(redis.url, { env });
  t.teardown(() => after.close());
  const back = await untilLab(after, (b) => b.filter((x) => x.online && x.health.state === 'healthy').length === 2, 15_000, 'both boards back in the lab', logs);
  t.comment(`both boards back in the registry ${back.ms} ms after Redis came back (heartbeat every 3 s)`);
  t.match(agent.log(), /the lab had lost photon-1, argon-1 \(Redis restarted\?\): registered again/, 'the agent says what it did');
  const run = startCoordinator(t, dir, join(dir, 'after-restart'), redis.url, env, [fixture('lab-flash.yaml')], ['--board', 'argon-1']);
  t.equal(await exitWithin(run, 60_000), 0, `a run after the restart passes: the host's workers took the job:\n${run.log()}\n${logs()}`);
});
