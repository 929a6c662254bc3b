// An agent stopped (SIGTERM) while its simulated bench is still starting
// never served the lab: it exits 3 with one line saying so, registers no
// board, and leaves no bench process behind.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectLab } from '../../src/lab/connection.js';
import { labBoards } from '../../src/lab/registry.js';
import { startRedis } from './fixtures/redis.js';
import { startAgent } from './fixtures/lab.js';

t.test('SIGTERM while the bench starts: exit 3, nothing registered', async (t) => {
  const redis = await startRedis(t);
  const env = { RIG_REDIS_PASSWORD: redis.password };
  const dir = mkdtempSync(join(tmpdir(), 'rig-agent-stop-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const agent = startAgent(t, dir, 'bench-1', redis.url, env);
  const start = Date.now();
  while (!/opening bench/.test(agent.log())) {
    if (Date.now() - start > 20_000) throw new Error(`the agent never began opening its bench:\n${agent.log()}`);
    await sleep(20);
  }
  agent.child.kill('SIGTERM');
  // Unref'd: a wait that lost the race must not hold the test process open.
  const late = sleep(15_000, undefined, { ref: false }).then(() => 'late' as const);
  const ended = await Promise.race([agent.exited, late]);
  if (ended === 'late') throw new Error(`the agent did not stop within 15 s:\n${agent.log()}`);
  t.equal(ended.code, 3, `exit 3, not 0:\n${agent.log()}`);
  t.notMatch(agent.log(), /registered /, 'it never registered its boards');
  t.match(agent.log(), /rig: stopped by SIGTERM while the bench was starting: no board was registered/, 'one line says why');
  t.notMatch(agent.log(), /internal error|\n\s+at /, 'no stack trace');
  const lab = await connectLab(redis.url, { env });
  t.teardown(() => lab.close());
  t.same(await labBoards(lab.redis), [], 'the lab holds none of its boards');
});
