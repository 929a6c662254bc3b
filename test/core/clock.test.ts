// The one clock: board time to wall time, and the waits built on it. Every
// USB and cloud call has a deadline: a call that never settles ends with a
// TimeoutError naming it, and a cancelled one with the signal's reason.
import t from 'tap';
import { TimeoutError } from '../../src/core/errors.js';
import { BenchClock, deadlineAfter, RIG_WORK_MS, sleep, untilAborted, withDeadline } from '../../src/core/clock.js';

const never = new Promise<never>(() => undefined);

t.test('a call that never answers ends at its deadline', async (t) => {
  const started = Date.now();
  const err = await withDeadline(never, 50, 'the device mode request').catch((e: unknown) => e);
  t.type(err, TimeoutError);
  t.equal((err as TimeoutError).message, 'the device mode request did not happen within 50 ms');
  t.ok(Date.now() - started >= 45, 'not before');
});

t.test('an answer in time is passed through, a failure too', async (t) => {
  t.equal(await withDeadline(Promise.resolve(7), 50, 'x'), 7);
  await t.rejects(withDeadline(Promise.reject(new Error('stall')), 50, 'x'), { message: 'stall' });
});

t.test('cancelled: the signal\'s reason, at once', async (t) => {
  const ac = new AbortController();
  const pending = withDeadline(never, 10_000, 'x', ac.signal);
  ac.abort(new Error('run cancelled'));
  await t.rejects(pending, { message: 'run cancelled' });
  await t.rejects(sleep(10_000, ac.signal), { message: 'run cancelled' });
  await t.rejects(withDeadline(never, 10_000, 'x', ac.signal), { message: 'run cancelled' }, 'already cancelled');
});

t.test('a deadline that is not a positive number is a programming error', async (t) => {
  await t.rejects(withDeadline(never, 0, 'x'), TypeError);
});

t.test('board time to wall time: one rounding (up), one floor (the rig\'s own work)', async (t) => {
  const x20 = new BenchClock(20);
  t.equal(x20.wallMs(30_000), 1500);
  t.equal(x20.wallMs(1), 1, 'a positive board wait never rounds down to nothing');
  t.equal(x20.wallMs(0), 0);
  t.equal(x20.wallMs(-5), 0);
  t.equal(x20.wallMsWithRigWork(30_000), RIG_WORK_MS, 'a wait that covers USB round trips gets at least their time');
  t.equal(x20.wallMsWithRigWork(300_000, 2000), 15_000);
  t.equal(x20.boardMs(50), 1000);
  t.equal(x20.pollMs(), 50, 'one board second');
  t.equal(new BenchClock(1).pollMs(), 1000, 'at most 1 s of wall time');
  t.equal(new BenchClock(1000).pollMs(), 20, 'at least 20 ms');
  t.throws(() => new BenchClock(0), RangeError);
});

t.test('a sleep in board time ends early when cancelled, with the reason', async (t) => {
  const x100 = new BenchClock(100);
  const started = Date.now();
  await x100.sleep(2000);
  t.ok(Date.now() - started >= 19, '2 s of board time is 20 ms of wall time at x100');
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('plan timeout')), 5);
  await t.rejects(x100.sleep(60_000, ac.signal), { message: 'plan timeout' });
});

t.test('untilAborted: the work\'s outcome, or the abort\'s reason; nothing left listening', async (t) => {
  const ac = new AbortController();
  t.equal(await untilAborted(Promise.resolve(3), ac.signal), 3);
  await t.rejects(untilAborted(Promise.reject(new Error('no reply')), ac.signal), { message: 'no reply' });
  const pending = untilAborted(never, ac.signal);
  ac.abort(new Error('stopped'));
  await t.rejects(pending, { message: 'stopped' });
  const fresh = new AbortController();
  for (let i = 0; i < 200; i++) await untilAborted(Promise.resolve(i), fresh.signal);
  t.ok(true, 'two hundred settled calls on one signal do not pile up listeners (Node warns at 11)');
});

t.test('a deadline aborts with the reason it was given, unless cleared', async (t) => {
  const d = deadlineAfter(10, () => new Error('the step ran out'));
  await new Promise((r) => setTimeout(r, 30));
  t.equal((d.signal.reason as Error).message, 'the step ran out');
  const cleared = deadlineAfter(10, () => new Error('x'));
  cleared.clear();
  await new Promise((r) => setTimeout(r, 30));
  t.notOk(cleared.signal.aborted);
  const huge = deadlineAfter(1e20, () => new Error('x'));
  t.notOk(huge.signal.aborted, 'a limit past what a timer holds is no limit, not an immediate one');
  huge.clear();
});
