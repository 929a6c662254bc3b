// The lab's registry with real parts: a real redis-server, two `rig agent`
// processes, each with its own simulated bench and lock folder, and
// `rig boards --queue` as a user runs it. One agent is killed (-9): its
// boards go offline once its heartbeat expires; the other is stopped
// (SIGTERM): its boards leave the lab within 2 s.
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseQueueUrl, type LabConnection } from '../../src/lab/connection.js';
import { HEARTBEAT_TTL_MS, labBoards, type LabBoard } from '../../src/lab/registry.js';
import { ROOT, runRig } from '../cli/run-rig.js';
import { startRedis } from './fixtures/redis.js';
import { openTestLab } from './fixtures/lab.js';

const RIG = join(ROOT, 'bin/rig.js');

interface Agent {
  child: ChildProcess;
  log: () => string;
}

/** `rig agent` as a host runs it, with its own copy of its bench file (the simulated bench is found by its path) and its own locks. */
function startAgent(t: Test, dir: string, host: string, url: string, env: NodeJS.ProcessEnv): Agent {
  const bench = join(dir, `${host}.yaml`);
  copyFileSync(join(ROOT, `test/lab/fixtures/${host}.yaml`), bench);
  const child = spawn(process.execPath, [RIG, 'agent', '--queue', url, '--bench', bench, '--host', host], {
    env: { ...process.env, ...env, RIG_LOCK_DIR: join(dir, `locks-${host}`) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => void (log += d));
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  });
  return { child, log: () => log };
}

/** Polls the registry until `done` holds; returns the boards then and how long it took. */
async function until(lab: LabConnection, done: (boards: LabBoard[]) => boolean, limitMs: number, what: string, logs: () => string): Promise<{ boards: LabBoard[]; ms: number }> {
  const start = Date.now();
  for (;;) {
    const boards = await labBoards(lab.redis);
    if (done(boards)) return { boards, ms: Date.now() - start };
    if (Date.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs} ms; registry: ${JSON.stringify(boards)}\n${logs()}`);
    await sleep(100);
  }
}

t.test('--queue takes redis://HOST:PORT[/DB] and refuses credentials in the URL without repeating them', async (t) => {
  t.match(parseQueueUrl('redis://127.0.0.1:6390'), { host: '127.0.0.1', port: 6390, db: 0, tls: false, display: 'redis://127.0.0.1:6390' });
  t.match(parseQueueUrl('rediss://lab.example:7000/2'), { host: 'lab.example', port: 7000, db: 2, tls: true });
  for (const bad of ['redis://:s3cr3t-pass@h:1', 'redis://user:s3cr3t-pass@h:1', 'http://h:1', 'redis://h:1/x', 's3cr3t-pass']) {
    t.throws(() => parseQueueUrl(bad), { name: 'InputError' }, bad);
    try {
      parseQueueUrl(bad);
    } catch (err) {
      t.notMatch((err as Error).message, /s3cr3t/, `${bad}: the message does not repeat it`);
    }
  }
});

t.test('two agents fill the lab; a killed one goes offline, a stopped one leaves', async (t) => {
  const { redis, env, dir, lab } = await openTestLab(t, 'lab');

  const one = startAgent(t, dir, 'bench-1', redis.url, env);
  const two = startAgent(t, dir, 'bench-2', redis.url, env);
  const logs = () => `bench-1:\n${one.log()}\nbench-2:\n${two.log()}`;
  await until(lab, (b) => b.length === 4 && b.every((x) => x.online && x.health.state !== 'checking'), 45_000, 'four boards registered and checked', logs);

  const listed = await runRig(['boards', '--queue', redis.url, '--json'], { env });
  t.equal(listed.code, 0, listed.stderr);
  const boards = (JSON.parse(listed.stdout) as { boards: LabBoard[] }).boards;
  t.same(boards.map((b) => [b.host, b.name, b.platform, b.online, b.health.state]), [
    ['bench-1', 'argon-1', 'argon', true, 'healthy'],
    ['bench-1', 'photon-1', 'photon', true, 'healthy'],
    ['bench-2', 'argon-2', 'argon', true, 'healthy'],
    ['bench-2', 'photon-2', 'photon', true, 'healthy'],
  ], 'every board of both hosts, online and healthy');
  t.same(boards.map((b) => b.deviceOs), ['4.0.2', '1.5.2', '4.0.2', '1.5.2'], 'the simulated boards\' Device OS');
  t.equal(new Set(boards.map((b) => b.agent)).size, 2, 'two agents');
  t.ok(boards.every((b) => b.agent.startsWith(`${b.host}-`)), 'each board names the agent of its host');
  t.equal(boards.find((b) => b.name === 'photon-2')!.id, '3a002c000847343337373739');

  const table = await runRig(['boards', '--queue', redis.url], { env });
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /4 board\(s\), 4 online/);
  t.match(table.stdout, /^bench-2\s+photon-2\s+photon\s+3a002c000847343337373739\s+online\s+healthy\s+bench-2-/m);
  t.notMatch(table.stdout + table.stderr + listed.stdout + listed.stderr, redis.password, 'the password is never printed');

  // A second host claiming bench-1's boards while bench-1 answers: refused, nothing registered.
  const clash = join(dir, 'clash.yaml');
  copyFileSync(join(ROOT, 'test/lab/fixtures/bench-1.yaml'), clash);
  const refused = await runRig(['agent', '--queue', redis.url, '--bench', clash, '--host', 'bench-3'], { env: { ...env, RIG_LOCK_DIR: join(dir, 'locks-bench-3') } });
  t.equal(refused.code, 3, 'a board held by an online agent: exit 3');
  t.match(refused.stderr, /board photon-1 \(3a002c000847343337373738\) is already in the lab as photon-1 on host bench-1/);
  t.equal((await labBoards(lab.redis)).filter((b) => b.host === 'bench-1').length, 2, 'bench-1 still holds its boards');

  one.child.kill('SIGKILL');
  const offline = await until(lab, (b) => b.filter((x) => x.host === 'bench-1').every((x) => !x.online), HEARTBEAT_TTL_MS + 5000, 'bench-1 offline', logs);
  t.ok(offline.ms <= HEARTBEAT_TTL_MS + 5000, `bench-1's boards offline ${offline.ms} ms after kill -9`);
  t.same(offline.boards.map((b) => [b.name, b.online]), [['argon-1', false], ['photon-1', false], ['argon-2', true], ['photon-2', true]], 'still listed, offline; bench-2 online');
  const shown = await runRig(['boards', '--queue', redis.url], { env });
  t.match(shown.stdout, /^bench-1\s+photon-1\s+.*\boffline\b/m, 'rig boards shows it offline');

  const exited = once(two.child, 'exit');
  two.child.kill('SIGTERM');
  const gone = await until(lab, (b) => b.every((x) => x.host !== 'bench-2'), 2000, 'bench-2 unregistered', logs);
  t.ok(gone.ms <= 2000, `bench-2's boards left the lab ${gone.ms} ms after SIGTERM`);
  const [code] = (await exited) as [number | null];
  t.equal(code, 0, 'the stopped agent exits 0');
  t.match(two.log(), /SIGTERM: leaving the lab[\s\S]*unregistered/);
  t.notMatch(logs(), redis.password, 'no agent logs the password');
});

t.test('a password in the URL is bad input (exit 2, one line, never printed); a wrong one is infrastructure', async (t) => {
  const redis = await startRedis(t);
  for (const args of [['boards', '--queue'], ['agent', '--queue']]) {
    const r = await runRig([...args, `redis://:${redis.password}@127.0.0.1:${redis.port}`]);
    t.equal(r.code, 2, `${args[0]}: exit 2`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${args[0]}: one line`);
    t.match(r.stderr, /carries credentials/);
    t.notMatch(r.stdout + r.stderr, redis.password, `${args[0]}: the password is not printed`);
  }
  const wrong = 'not-the-password-0123';
  const r = await runRig(['boards', '--queue', redis.url], { env: { RIG_REDIS_PASSWORD: wrong } });
  t.equal(r.code, 3, 'a refused password: exit 3');
  t.match(r.stderr, /cannot reach the lab's Redis at redis:\/\/127\.0\.0\.1:\d+/);
  t.notMatch(r.stdout + r.stderr, wrong, 'the wrong password is not printed either');
});
