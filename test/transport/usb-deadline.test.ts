// Every USB and cloud call has a deadline: a call that never settles ends
// with a TimeoutError naming it, and a cancelled one with the signal's reason.
import t from 'tap';
import { TimeoutError } from '../../src/errors.js';
import { pause, withDeadline } from '../../src/transport/usb/deadline.js';

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
  await t.rejects(pause(10_000, ac.signal), { message: 'run cancelled' });
  await t.rejects(withDeadline(never, 10_000, 'x', ac.signal), { message: 'run cancelled' }, 'already cancelled');
});

t.test('a deadline that is not a positive number is a programming error', async (t) => {
  t.throws(() => withDeadline(never, 0, 'x'), TypeError);
});
