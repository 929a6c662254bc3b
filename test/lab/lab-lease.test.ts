// A bench host frozen past its job's lease, with real parts (a real
// redis-server, a `rig agent` process stopped with SIGSTOP as a host that
// sleeps or hangs would be, a `rig run --queue` coordinator): the
// coordinator reports the job lost, infrastructure naming the host and the
// step, within the lease; the host, thawed, finds its lease gone and stops
// acting on the board (the plan's next flash never happens), leaves no
// board leased, and the board serves the next run.
import t from 'tap';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEASE_MS, LEASE_RENEW_MS } from '../../src/lab/jobs.js';
import { boardLeases } from '../../src/lab/lease.js';
import { exitWithin, fixture, openTestLab, readReport, startAgent, startCoordinator, untilOutput, untilServing } from './fixtures/lab.js';

const { redis, env, dir, lab } = await openTestLab(t, 'lab-lease');
const agent = startAgent(t, dir, 'bench-1', redis.url, env);
const logs = () => `bench-1:\n${agent.log()}`;

t.before(() => untilServing(lab, [agent], 2, logs));

t.test('a host frozen past its lease: the job is lost, not passed; thawed, the host stops acting on the board', async (t) => {
  const reportDir = join(dir, 'frozen');
  const run = startCoordinator(t, dir, reportDir, redis.url, env, [fixture('lab-lease.yaml')], ['--board', 'photon-1']);
  await untilOutput(run, /photon-1 @ bench-1 · lab-lease: \[2\/5\]/, 60_000, logs);
  await sleep(500);
  agent.child.kill('SIGSTOP');
  const frozen = Date.now();
  // If the test fails before the thaw, the host must not stay stopped (its teardown kills it, but a stopped process ignores nothing else).
  t.teardown(() => void agent.child.kill('SIGCONT'));
  t.equal(await exitWithin(run, LEASE_MS + 20_000), 3, `the run is not green:\n${run.log()}`);
  const lostAfter = Date.now() - frozen;
  // Renewed last at most LEASE_RENEW_MS before the freeze: it runs out between LEASE_MS - LEASE_RENEW_MS and LEASE_MS after it.
  t.ok(lostAfter >= LEASE_MS - LEASE_RENEW_MS, `the job was given up only once its lease had run out (${lostAfter} ms after the freeze; the lease lasts ${LEASE_MS} ms, renewed every ${LEASE_RENEW_MS} ms)`);
  const report = await readReport(reportDir);
  t.same(report.boards.map((b) => [b.name, b.status, b.diagnosis]), [
    ['photon-1', 'infra', 'host bench-1 stopped answering during step 3 (wait 25m) of lab-lease on photon-1'],
  ], 'the job is infrastructure, naming the host and the step');

  agent.child.kill('SIGCONT');
  const thawed = Date.now();
  await untilOutput(agent, /job \S+ ended: /, 15_000, logs);
  t.comment(`the thawed host ended its job ${Date.now() - thawed} ms after it woke`);
  t.match(agent.log(), /job \S+: its lease on photon-1 expired \(the host or Redis was away over 15 s\); the job stops, and its result is not delivered/, 'the host says its lease is gone');
  t.match(agent.log(), /job \S+ ended: infra/, 'and ends the job as infrastructure, never as the pass its finished steps add up to');
  t.same([...(await boardLeases(lab.redis)).keys()], [], 'no board leased once it ended');

  // The plan's next flash (app 23) would have come about 12 s after the thaw; the board must still run app 22.
  const after = startCoordinator(t, dir, join(dir, 'after'), redis.url, env, [fixture('lab-still.yaml')], ['--board', 'photon-1']);
  t.equal(await exitWithin(after, 60_000), 0, `the board still runs the app flashed before the freeze, and serves the next run:\n${after.log()}\n${logs()}`);
  t.notMatch(agent.log(), /error|Missing lock/i, 'the host said nothing it could not explain');
});
