// outcome.ts is the one place where a throw becomes a status: the rig's
// reach is never a firmware failure, a bench's inability is a SKIP, and
// only the board's refusal or a limit the plan set is a failure.
import t from 'tap';
import { FlashRejectedError, UnsupportedError, InfraError, InputError, TimeoutError, DeadlineError } from '../../src/core/errors.js';
import { outcomeOf, worseStatus } from '../../src/steps/outcome.js';

t.test('each error class maps to its status', async (t) => {
  const infra = outcomeOf(new InfraError('dfu-util not found', 'apt install dfu-util'));
  t.same(infra, { status: 'infra', diagnosis: 'dfu-util not found (apt install dfu-util)' }, 'InfraError keeps its fix');
  t.equal(outcomeOf(new TimeoutError('re-enumeration in DFU mode', 5000)).status, 'infra', 'a TimeoutError of the rig\'s reach');
  t.match(outcomeOf(new TimeoutError('re-enumeration in DFU mode', 5000)).diagnosis, /re-enumeration in DFU mode did not happen within 5000 ms/);
  t.same(outcomeOf(new UnsupportedError('no hub port named for photon-1')), { status: 'skip', skipReason: 'no hub port named for photon-1' });
  const rejected = outcomeOf(new FlashRejectedError('Validation failed: 16', 'serial', ['Validation failed: 16']));
  t.equal(rejected.status, 'fail', 'the board refusing firmware is the firmware\'s failure');
  t.match(rejected.diagnosis, /refused the firmware \(serial\): Validation failed: 16/);
  t.same(rejected.details, { boardMessages: ['Validation failed: 16'] });
  t.same(outcomeOf(new DeadlineError('flash candidate via ota', 120_000)), { status: 'fail', diagnosis: 'flash candidate via ota did not finish within 2m' });
  const bug = outcomeOf(new TypeError('x is undefined'));
  t.equal(bug.status, 'infra', 'a fault of the rig itself is never blamed on the firmware');
  t.match(bug.diagnosis, /^rig error: x is undefined/);
  t.equal(outcomeOf('a string').status, 'infra');
});

t.test('bad input is not a result of the board: it is rethrown', async (t) => {
  t.throws(() => outcomeOf(new InputError('firmware \'x\' is not defined')), InputError);
});

t.test('an aborted signal decides, whatever the aborted call threw', async (t) => {
  const deadline = new AbortController();
  deadline.abort(new DeadlineError('expect-app candidate', 30_000));
  t.same(outcomeOf(new Error('AbortError'), deadline.signal), { status: 'fail', diagnosis: 'expect-app candidate did not finish within 30s' });
  const cancelled = new AbortController();
  cancelled.abort(new Error('SIGINT'));
  t.same(outcomeOf(new InfraError('port closed'), cancelled.signal), { status: 'infra', diagnosis: 'cancelled: SIGINT' });
  t.equal(outcomeOf(new InfraError('x'), new AbortController().signal).status, 'infra', 'a live signal changes nothing');
});

t.test('the worse of two statuses', async (t) => {
  t.equal(worseStatus('pass', 'skip'), 'pass');
  t.equal(worseStatus('skip', 'skip'), 'skip');
  t.equal(worseStatus('pass', 'infra'), 'infra');
  t.equal(worseStatus('fail', 'infra'), 'fail', 'a failure seen before the board was lost still counts');
  t.equal(worseStatus('infra', 'fail'), 'fail');
});
