import t from 'tap';
import { createClock } from '../../../src/sim/clock.js';

t.test('board time runs `scale` times faster than the wall', async (t) => {
  const clock = createClock(100);
  const wall0 = performance.now();
  await clock.sleep(2000);
  const wall = performance.now() - wall0;
  t.ok(wall >= 19 && wall < 400, `2000 board ms took ${wall.toFixed(1)} wall ms, expected ~20`);
  t.ok(clock.now() >= 2000, `now() is ${clock.now()}, expected at least 2000 board ms`);
});

t.test('sleep rejects with the abort reason', async (t) => {
  const clock = createClock(1);
  const ac = new AbortController();
  const p = clock.sleep(60_000, ac.signal);
  ac.abort(new Error('stop'));
  await t.rejects(p, { message: 'stop' });
  await t.rejects(clock.sleep(10, AbortSignal.abort(new Error('already'))), { message: 'already' });
});

t.test('setTimeout and setInterval take board milliseconds', async (t) => {
  const clock = createClock(1000);
  let ticks = 0;
  const iv = clock.setInterval(() => ticks++, 5000);
  await new Promise<void>((resolve) => clock.setTimeout(resolve, 30_000));
  clearInterval(iv);
  t.ok(ticks >= 3 && ticks <= 7, `5 s interval ticked ${ticks} times in 30 board s`);
});

t.test('a scale that is not a positive number is refused', async (t) => {
  t.throws(() => createClock(0), /positive number, got 0/);
  t.throws(() => createClock(Number.NaN), /positive number/);
});
