// A run across the lab with real parts: a real redis-server, three `rig
// agent` processes (each its own simulated bench), `rig run --queue` as CI
// runs it. One plan across the three hosts gives one report with every
// board and its host; then a host is killed (-9) in the middle of a long
// job: its jobs end as infrastructure, naming the host and the step, within
// the lease time + 10 s, while the other hosts' jobs pass; when the host
// comes back its boards are online again and nothing runs twice.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { boardQueue, LEASE_MS, QUEUE_PREFIX } from '../../src/lab/jobs.js';
import { boardLeases } from '../../src/lab/lease.js';
import { labBoards } from '../../src/lab/registry.js';
import { exitWithin, fixture, untilOutput, jobsStarted, readReport, startAgent, startCoordinator, untilLab, untilServing, openTestLab } from './fixtures/lab.js';


t.test('three hosts, one report; kill -9 of a host mid-job is infrastructure at its step; nothing runs twice', async (t) => {
  const { redis, env, dir, lab } = await openTestLab(t, 'lab-run');
  const agents = ['bench-1', 'bench-2', 'bench-3'].map((h) => startAgent(t, dir, h, redis.url, env));
  const logs = () => agents.map((a, i) => `bench-${i + 1}:\n${a.log()}`).join('\n');
  await untilServing(lab, agents, 6, logs);

  // One plan, three hosts, one report.
  const quickDir = join(dir, 'quick');
  const quick = startCoordinator(t, dir, quickDir, redis.url, env, [fixture('lab-flash.yaml')], ['--history', join(dir, 'history.db')]);
  t.equal(await exitWithin(quick, 60_000), 0, `the run passes:\n${quick.log()}`);
  const one = await readReport(quickDir);
  t.same(one.boards.map((b) => [b.host, b.name, b.status, b.steps.map((s) => s.status).join(',')]), [
    ['bench-1', 'argon-1', 'pass', 'pass,pass,pass'], ['bench-1', 'photon-1', 'pass', 'pass,pass,pass'],
    ['bench-2', 'argon-2', 'pass', 'pass,pass,pass'], ['bench-2', 'photon-2', 'pass', 'pass,pass,pass'],
    ['bench-3', 'argon-3', 'pass', 'pass,pass,pass'], ['bench-3', 'photon-3', 'pass', 'pass,pass,pass'],
  ], 'every board of every host, with its host, in one report');
  for (const b of one.boards) {
    t.ok(b.artifacts.trace && readFileSync(b.artifacts.trace, 'utf8').length > 0, `${b.name}: its trace came back`);
    t.ok(b.artifacts.events && existsSync(b.artifacts.events), `${b.name}: its events came back`);
    t.ok(existsSync(join(quickDir, b.name, 'timeline.ndjson')), `${b.name}: its timeline`);
    t.match(Object.keys(b.firmware ?? {}), ['app'], `${b.name}: the firmware's SHA-256 in the report`);
  }
  const junit = readFileSync(join(quickDir, 'report.xml'), 'utf8');
  t.match(junit, /hostname="bench-2"/, 'JUnit names each board\'s host');
  t.match(readFileSync(join(quickDir, 'report.tap'), 'utf8'), /# Subtest: photon-3 \(photon 3a002c00084734333737373a on bench-3\)/, 'TAP names each board\'s host');
  t.notMatch(readFileSync(join(quickDir, 'index.html'), 'utf8'), /could not be built/, 'the HTML page is built');
  t.match(one.changes, { history: join(dir, 'history.db') }, 'the run is recorded in the history like a local one');
  const allText = ['report.tap', 'report.xml', 'report.json', 'index.html'].map((f) => readFileSync(join(quickDir, f), 'utf8')).join('') + quick.log() + logs();
  t.notMatch(allText, redis.password, 'the password is in no report and no log');

  // A long job; bench-2 dies in its step 3.
  const longDir = join(dir, 'long');
  const long = startCoordinator(t, dir, longDir, redis.url, env, [fixture('lab-long.yaml')]);
  await untilOutput(long, /(?=[\s\S]*argon-2 @ bench-2 · lab-long: \[2\/4\])(?=[\s\S]*photon-2 @ bench-2 · lab-long: \[2\/4\])/, 60_000, logs);
  await sleep(500); // into step 3
  agents[1]!.child.kill('SIGKILL');
  const lostAfter = await untilOutput(long, /host bench-2 stopped answering[\s\S]*host bench-2 stopped answering/, LEASE_MS + 15_000, logs);
  t.ok(lostAfter <= LEASE_MS + 10_000, `both bench-2 jobs are infrastructure ${lostAfter} ms after kill -9 (lease ${LEASE_MS} ms + 10 s)`);
  t.equal(await exitWithin(long, 60_000), 3, 'the run is not green: exit 3');
  const two = await readReport(longDir);
  const rows = new Map(two.boards.map((b) => [b.name, b]));
  for (const name of ['argon-2', 'photon-2']) {
    const row = rows.get(name)!;
    t.equal(row.status, 'infra', `${name}: infrastructure`);
    t.equal(row.diagnosis, `host bench-2 stopped answering during step 3 (wait 25m) of lab-long on ${name}`, `${name}: the host, the step, the plan, the board`);
    t.same(row.steps.map((s) => s.status), ['pass', 'pass', 'infra'], `${name}: the steps it finished, then the one it died in`);
  }
  for (const name of ['argon-1', 'photon-1', 'argon-3', 'photon-3']) t.equal(rows.get(name)?.status, 'pass', `${name}: the other hosts' jobs pass`);
  t.equal(two.summary.exitCode, 3);
  t.same([...(await boardLeases(lab.redis)).keys()], [], 'no board is leased after the run (bench-2\'s leases expired)');
  const offline = (await labBoards(lab.redis)).filter((b) => b.host === 'bench-2');
  t.same(offline.map((b) => b.online), [false, false], 'bench-2\'s boards show offline');

  // While bench-2 is away, a run does not pretend its boards were never asked for.
  const awayDir = join(dir, 'away');
  const away = startCoordinator(t, dir, awayDir, redis.url, env, [fixture('lab-flash.yaml')]);
  t.equal(await exitWithin(away, 60_000), 3, 'a run with a host offline is not green');
  const three = await readReport(awayDir);
  t.same(three.boards.filter((b) => b.host === 'bench-2').map((b) => [b.name, b.status, b.diagnosis]), [
    ['argon-2', 'infra', 'host bench-2 is offline (its agent stopped answering); the board was not used'],
    ['photon-2', 'infra', 'host bench-2 is offline (its agent stopped answering); the board was not used'],
  ], 'bench-2\'s boards: infrastructure, offline');
  t.ok(three.boards.filter((b) => b.host !== 'bench-2').every((b) => b.status === 'pass'), 'the others pass');

  // bench-2 comes back: online again, and the lost jobs are gone from its queues, never run again.
  const back = startAgent(t, dir, 'bench-2', redis.url, env);
  await untilServing(lab, [back], 6, () => `${logs()}\nbench-2 again:\n${back.log()}`);
  await untilLab(lab, (b) => b.filter((x) => x.host === 'bench-2').every((x) => x.online), 5000, 'bench-2 online again', logs);
  await sleep(2000);
  t.notMatch(back.log(), /job \S+ started/, 'the returning host runs none of the lost jobs');
  for (const id of offline.map((b) => b.id)) {
    const q = new Queue(boardQueue(id), { connection: lab.bullOptions, prefix: QUEUE_PREFIX });
    const counts = await q.getJobCounts('active', 'waiting', 'delayed', 'failed', 'completed');
    await q.close();
    t.same(counts, { active: 0, waiting: 0, delayed: 0, failed: 0, completed: 0 }, `${id}: its queue is empty`);
  }
  const started = jobsStarted([...agents.map((a) => a.log()), back.log()]);
  t.equal(started.size, 16, 'sixteen jobs started: six, six and four');
  t.ok([...started.values()].every((n) => n === 1), 'each exactly once');
});
