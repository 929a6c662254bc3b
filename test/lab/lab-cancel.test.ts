// The lab's leases with real parts (a real redis-server, three `rig agent`
// processes, `rig run --queue` coordinators): Ctrl-C of a coordinator
// removes its queued jobs and aborts its running ones, leaving no job
// running and no board leased, and a report that bails out and is not
// green; two coordinators submitting at once never have a board at the same
// time (their reports' step times say so); no job is ever started twice.
// A coordinator killed (-9) mid-run: its running jobs stop once its run key
// expires, its queued ones never start, and the boards serve the next run.
// A job runs only on what it carries: a firmware whose SHA-256 does not
// match is refused before anything is flashed, and a plan's firmware path
// that exists only where the coordinator ran is never read.
import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { boardQueue, carry, QUEUE_PREFIX, RUN_ALIVE_MS, runAliveKey, type LabJobData, type LabJobResult } from '../../src/lab/jobs.js';
import { makeTestApp } from '../../src/firmware/index.js';
import { boardLeases } from '../../src/lab/lease.js';
import { labBoards } from '../../src/lab/registry.js';
import type { BoardReport } from '../../src/report/model.js';
import { labJobCounts, exitWithin, fixture, untilOutput, jobsStarted, readReport, startAgent, startCoordinator, untilServing, openTestLab } from './fixtures/lab.js';


const { redis, env, dir, lab } = await openTestLab(t, 'lab-cancel');
const agents = ['bench-1', 'bench-2', 'bench-3'].map((h) => startAgent(t, dir, h, redis.url, env));
const logs = () => agents.map((a, i) => `bench-${i + 1}:\n${a.log()}`).join('\n');
const boardIds = async () => (await labBoards(lab.redis)).map((b) => b.id);

const jobCounts = () => labJobCounts(lab);

t.before(() => untilServing(lab, agents, 6, logs));

t.test('Ctrl-C: queued jobs removed, running ones aborted at their step; no job running, no board leased; not green', async (t) => {
  const reportDir = join(dir, 'cancelled');
  // Two plans: on each board one job runs (the long one) while the other waits in its queue.
  const run = startCoordinator(t, dir, reportDir, redis.url, env, [fixture('lab-long.yaml'), fixture('lab-flash.yaml')]);
  const inStep3 = ['argon-1', 'photon-1', 'argon-2', 'photon-2', 'argon-3', 'photon-3'].map((b) => `(?=[\\s\\S]*${b} @ bench-\\d · lab-long \\(job 1/2\\): \\[2/4\\])`).join('');
  await untilOutput(run, new RegExp(inStep3), 60_000, logs);
  await sleep(500);
  t.match(Object.fromEntries(Object.entries(await jobCounts()).filter(([, v]) => v > 0)), { active: 6, waiting: 6 }, 'six jobs running, six queued when Ctrl-C comes');
  t.equal((await boardLeases(lab.redis)).size, 6, 'six boards leased meanwhile');
  const queued = await Promise.all((await boardIds()).map(async (id) => {
    const q = new Queue(boardQueue(id), { connection: lab.bullOptions, prefix: QUEUE_PREFIX });
    const jobs = await q.getJobs(['waiting', 'active']);
    await q.close();
    return jobs.map((j) => JSON.stringify(j.data));
  }));
  t.equal(queued.flat().length, 12, 'the jobs in Redis');
  t.notOk(queued.flat().some((data) => data.includes(redis.password)), 'no job carries the Redis password');
  t.ok(queued.flat().every((data) => /"sha256":"[0-9a-f]{64}","content":"/.test(data)), 'each carries its firmware\'s bytes and SHA-256');
  const sent = Date.now();
  run.child.kill('SIGINT');
  const code = await exitWithin(run, 30_000);
  t.ok(Date.now() - sent < 15_000, `the coordinator ended ${Date.now() - sent} ms after Ctrl-C`);
  t.equal(code, 3, `a cancelled run is not green (exit 3):\n${run.log()}`);
  t.same(Object.values(await jobCounts()).reduce((a, b) => a + b, 0), 0, 'no job left running or queued');
  t.same([...(await boardLeases(lab.redis)).keys()], [], 'no board leased');
  const report = await readReport(reportDir);
  t.match(report.bailOut?.reason, /interrupted by SIGINT/, 'the report bails out with why');
  const long = report.boards.filter((b) => b.plan === 'lab-long');
  const flash = report.boards.filter((b) => b.plan === 'lab-flash');
  t.equal(long.length, 6);
  for (const b of long) {
    t.same(b.steps.map((s) => s.status), ['pass', 'pass', 'skip', 'skip'], `${b.name}: what finished passed, the running step was aborted`);
    t.match(b.steps[2]?.skipReason, /cancelled by the coordinator: interrupted by SIGINT/, `${b.name}: the step says why`);
  }
  t.same(flash.map((b) => [b.status, b.diagnosis]), flash.map(() => ['skip', 'not run: interrupted by SIGINT']), 'the queued jobs never ran');
  t.equal(report.summary.exitCode, 3);
});

t.test('kill -9 of a coordinator: its running jobs stop once its run key expires, its queued ones never start, and the boards serve the next run', async (t) => {
  const reportDir = join(dir, 'killed');
  const before = jobsStarted(agents.map((a) => a.log())).size;
  const run = startCoordinator(t, dir, reportDir, redis.url, env, [fixture('lab-long.yaml'), fixture('lab-flash.yaml')], ['--board', 'photon-1', 'photon-2']);
  const inStep3 = ['photon-1', 'photon-2'].map((b) => `(?=[\\s\\S]*${b} @ bench-\\d · lab-long \\(job 1/2\\): \\[2/4\\])`).join('');
  await untilOutput(run, new RegExp(inStep3), 60_000, logs);
  t.equal((await boardLeases(lab.redis)).size, 2, 'both boards leased by their running jobs');
  run.child.kill('SIGKILL');
  const killed = Date.now();
  // Nobody renews the run's key now: each host stops its job at its next look (every lease renewal).
  while ((await boardLeases(lab.redis)).size > 0) {
    if (Date.now() - killed > RUN_ALIVE_MS + 15_000) throw new Error(`boards still leased ${Date.now() - killed} ms after the kill\n${logs()}`);
    await sleep(200);
  }
  const freed = Date.now() - killed;
  t.ok(freed < RUN_ALIVE_MS + 10_000, `both boards free ${freed} ms after the kill (the run key lives ${RUN_ALIVE_MS} ms)`);
  t.match(logs(), /job \S+ ended: [\s\S]*job \S+ ended: /, 'each host ended its job');
  // Their queued jobs (lab-flash) reach the workers once the long ones end, and do not run.
  await sleep(1000);
  t.equal(jobsStarted(agents.map((a) => a.log())).size, before + 2, 'only the two running jobs ever started: the queued ones never did');
  t.notOk(existsSync(join(reportDir, 'report.json')), 'a coordinator killed mid-run leaves no report a CI tool could read as green');
  const next = startCoordinator(t, dir, join(dir, 'after-kill'), redis.url, env, [fixture('lab-flash.yaml')], ['--board', 'photon-1', 'photon-2']);
  t.equal(await exitWithin(next, 90_000), 0, `the next run has the boards and passes:\n${next.log()}`);
});

t.test('two coordinators at once never have a board at the same time; no job starts twice', async (t) => {
  const [a, b] = ['first', 'second'].map((name) => startCoordinator(t, dir, join(dir, name), redis.url, env, [fixture('lab-flash.yaml')]));
  t.equal(await exitWithin(a!, 90_000), 0, `the first passes:\n${a!.log()}`);
  t.equal(await exitWithin(b!, 90_000), 0, `the second passes:\n${b!.log()}`);
  const [first, second] = [await readReport(join(dir, 'first')), await readReport(join(dir, 'second'))];
  const span = (r: BoardReport): [number, number] => {
    const start = Date.parse(r.startedAt!);
    return [start, start + r.durationMs];
  };
  for (const x of first.boards) {
    const y = second.boards.find((r) => r.id === x.id)!;
    t.ok(y, `${x.name} in both reports`);
    const [[a0, a1], [b0, b1]] = [span(x), span(y)];
    t.ok(a1 <= b0 || b1 <= a0, `${x.name}: ${new Date(a0).toISOString()}..+${a1 - a0} ms and ${new Date(b0).toISOString()}..+${b1 - b0} ms do not overlap`);
    // Each step too, from its start and duration.
    const steps = (r: BoardReport) => r.steps.map((s) => [Date.parse(s.startedAt ?? r.startedAt!), s.durationMs] as const);
    for (const [s0, d0] of steps(x)) for (const [s1, d1] of steps(y)) t.ok(s0 + d0 <= s1 || s1 + d1 <= s0, `${x.name}: no step of one run overlaps a step of the other`);
  }
  const started = jobsStarted(agents.map((x) => x.log()));
  t.equal(started.size, 6 + 2 + 2 + 12, 'the jobs that ran: the six Ctrl-C aborted (the six queued never started), the two of the killed coordinator and the two after it, twelve here');
  t.ok([...started.values()].every((n) => n === 1), 'none started twice');
  t.same([...(await boardLeases(lab.redis)).keys()], [], 'no board leased after both');
});

/** A job sent by hand to photon-1's queue, as a coordinator would; its row when it ends. */
async function sendJob(runId: string, data: LabJobData): Promise<LabJobResult> {
  await lab.redis.set(runAliveKey(runId), '1', 'PX', RUN_ALIVE_MS);
  const q = new Queue<LabJobData, LabJobResult>(boardQueue(data.board.id), { connection: lab.bullOptions, prefix: QUEUE_PREFIX });
  t.teardown(() => q.close());
  const job = await q.add('by hand', data, { jobId: `${runId}.0.${data.board.id}`, attempts: 1 });
  const start = Date.now();
  for (;;) {
    const state = await q.getJobState(job.id!);
    if (state === 'completed') {
      const done = await q.getJob(job.id!);
      await done!.remove();
      return done!.returnvalue;
    }
    if (state === 'failed' || Date.now() - start > 30_000) throw new Error(`job ${job.id}: ${state}\n${logs()}`);
    await sleep(100);
  }
}

t.test('a job runs on what it carries: a wrong SHA-256 flashes nothing; a path only the coordinator has is never read', async (t) => {
  const app = makeTestApp({ platform: 'photon', version: 41 });
  const text = 'plan: carried\nfirmware:\n  app: /nonexistent/only-on-the-coordinator/app.bin\nsteps:\n  - flash: app\n    via: dfu\n  - expect-app: app\n';
  const board = { name: 'photon-1', id: '3a002c000847343337373738', platform: 'photon' as const, host: 'bench-1' };
  const base = { plan: { name: 'carried', file: 'carried.yaml', text, repeat: 1, pathVariables: [] }, board, job: { index: 0, total: 1 } };
  const tampered = { ...carry('app', '/nonexistent/only-on-the-coordinator/app.bin', app), sha256: 'ab'.repeat(32) };
  const refused = await sendJob('by-hand-1', { runId: 'by-hand-1', ...base, firmware: [tampered] });
  t.equal(refused.report.status, 'infra', 'a firmware that does not match its SHA-256: infrastructure');
  t.match(refused.report.diagnosis, /firmware 'app' carried with the job does not match its SHA-256 \(sent abababababab\.\.\., received [0-9a-f]{12}\.\.\.\): nothing was flashed/);
  t.same(refused.report.steps, [], 'no step ran');
  t.equal(refused.report.host, 'bench-1');
  const ran = await sendJob('by-hand-2', { runId: 'by-hand-2', ...base, firmware: [carry('app', '/nonexistent/only-on-the-coordinator/app.bin', app)] });
  t.same(ran.report.steps.map((s) => [s.name, s.status]), [['flash app via dfu', 'pass'], ['expect-app app', 'pass']], 'the carried bytes are flashed and run; the path was never opened');
  // A job this short may end before the board prints a line; its timeline always holds its steps.
  t.ok(ran.artifacts.some((a) => a.name === 'trace.log'), 'its trace came back');
  t.ok(ran.artifacts.some((a) => a.name === 'timeline.ndjson' && a.bytes > 0), 'its timeline came back, gzipped');
});
