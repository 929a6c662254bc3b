// A diagnosis names every cause its evidence holds (issue 10, point 6), on a
// Boron on Device OS 6 through the runner: serial flashing is refused with
// the board's own words, and an image built for a newer Device OS sent the
// same way is both refused and unable to run.
import t from 'tap';
import { ownLockDir } from '../runner/fixtures/run.js';
import { runOnBoron } from './fixtures/boron-bench.js';

ownLockDir();

const NO_YMODEM = /the board refused serial flashing: Device OS 6\.0 and later no longer accept YMODEM \("Serial\/YModem flashing is no longer supported"\)/;

t.test('serial flashing on Device OS 6: the refusal is named, with every other cause', async (t) => {
  const run = await runOnBoron(t, 'serial-on-os6', [
    '  - flash: old', '    via: dfu', '    expect: applied',
    '  - name: serial flashing on Device OS 6',
    '    flash: new', '    via: serial', '    expect: failed',
    '  - name: serial flashing of an app built for a newer Device OS',
    '    flash: newer-os', '    via: serial', '    expect: failed',
  ]);
  const steps = run.steps('boron-1');
  t.same(steps.map(([, status]) => status), ['pass', 'pass', 'pass'], JSON.stringify(steps));
  const [, , refused] = steps[1]!;
  t.match(refused, NO_YMODEM, 'the claim\'s own words are the cause');
  t.notMatch(refused, /names no cause/);
  t.match(refused, /Evidence: .*board said: Serial\/YModem flashing is no longer supported/, 'and the evidence quotes them');
  const [, , both] = steps[2]!;
  t.match(both, NO_YMODEM, 'the refusal');
  t.match(both, /newer-os could not have run on the board anyway: the image is built against a newer Device OS: it needs system part 1 version 9000, board has \d+/,
    'and the dependency the board could not meet');
});
