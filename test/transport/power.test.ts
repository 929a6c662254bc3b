// Power switching through uhubctl. No switchable USB hub can exist on a test
// machine and uhubctl is not installed, so a fake `uhubctl` script on PATH
// stands in for it: it records its arguments and answers as uhubctl does
// (its output lines and exit codes), which is all the rig reads.
import t, { type Test } from 'tap';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnsupportedError, InfraError } from '../../src/core/errors.js';
import { switchPower, uhubctlArgs } from '../../src/transport/power.js';

const HUB = { location: '1-1.4', port: 2 };
const BOARD = { name: 'photon-1', power: { uhubctl: HUB } };

const OK_OUTPUT = `Current status for hub 1-1.4 [2109:2813 VIA Labs, Inc. USB2.0 Hub, USB 2.10, 4 ports, ppps]
  Port 2: 0103 power enable connect [2b04:c006 Particle Photon 3a002c000847343337373738]
Sent power off request
New status for hub 1-1.4 [2109:2813 VIA Labs, Inc. USB2.0 Hub, USB 2.10, 4 ports, ppps]
  Port 2: 0000 off`;

/** A fake uhubctl in its own folder: prints `output`, exits `code`, records its arguments. */
function fakeUhubctl(t: Test, output: string, code = 0, sleepS = 0): { dir: string; program: string; args: () => string[] } {
  const dir = t.testdir({ 'out.txt': output });
  const program = join(dir, 'uhubctl');
  writeFileSync(
    program,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args.txt"\n${sleepS ? `exec sleep ${sleepS}\n` : ''}cat "${dir}/out.txt"\nexit ${code}\n`,
  );
  chmodSync(program, 0o755);
  return { dir, program, args: () => readFileSync(join(dir, 'args.txt'), 'utf8').trim().split('\n') };
}

t.test('the command line names the hub location, the port and the action', async (t) => {
  t.same(uhubctlArgs(HUB, 'off'), ['-l', '1-1.4', '-p', '2', '-a', 'off']);
  t.same(uhubctlArgs({ location: '2-1', port: 4 }, 'cycle'), ['-l', '2-1', '-p', '4', '-a', 'cycle']);
  t.throws(() => uhubctlArgs({ location: '1-1.4; reboot', port: 2 }, 'on'), /Expected a hub location like 1-1.4, got "1-1.4; reboot"/);
  t.throws(() => uhubctlArgs({ location: '1-1', port: 0 }, 'on'), /Expected a hub port number from 1, got 0/);
});

t.test('uhubctl found on PATH switches the port and its output is kept', async (t) => {
  const fake = fakeUhubctl(t, OK_OUTPUT);
  const path = process.env.PATH;
  process.env.PATH = `${fake.dir}:${path ?? ''}`;
  t.teardown(() => void (process.env.PATH = path));
  for (const action of ['off', 'on', 'cycle'] as const) {
    const r = await switchPower({}, BOARD, action);
    t.same(fake.args(), ['-l', '1-1.4', '-p', '2', '-a', action], `${action}: the arguments uhubctl got`);
    t.ok(r.messages.includes('Port 2: 0000 off'), 'what uhubctl said is kept as evidence');
  }
});

t.test('a board with no hub port named: UnsupportedError, nothing run', async (t) => {
  const fake = fakeUhubctl(t, OK_OUTPUT);
  const err = await switchPower({ tools: { uhubctl: fake.program } }, { name: 'argon-1' }, 'off').catch((e: unknown) => e);
  t.ok(err instanceof UnsupportedError, 'a SKIP, not a failure');
  t.equal((err as UnsupportedError).reason, 'no uhubctl port named for argon-1');
  t.throws(() => fake.args(), 'uhubctl was not started');
});

t.test('failures are infrastructure errors with the fix in them', async (t) => {
  const cases: Array<[string, string, number, RegExp, RegExp]> = [
    ['no hub at the location', 'No compatible devices detected at location 1-1.4!\nRun with -h to get usage info.', 1, /no switchable USB hub at 1-1\.4 \(port 2\)/, /uhubctl` with no arguments lists the hubs/],
    ['no permission', 'There were permission problems while accessing USB.\nTo fix this, run this tool as root using \'sudo uhubctl\'', 1, /uhubctl may not switch the hub at 1-1\.4/, /udev rules/],
    ['anything else', 'something odd happened', 3, /uhubctl failed \(exit 3\): something odd happened/, /check the hub at 1-1\.4/],
  ];
  for (const [what, output, code, message, fix] of cases) {
    const fake = fakeUhubctl(t, output, code);
    const err = await switchPower({ tools: { uhubctl: fake.program } }, BOARD, 'off').catch((e: unknown) => e);
    t.ok(err instanceof InfraError, `${what}: InfraError`);
    t.match((err as InfraError).message, message, what);
    t.match((err as InfraError).fix, fix, `${what}: the fix`);
  }
});

t.test('uhubctl missing: InfraError saying how to install it', async (t) => {
  const err = await switchPower({ tools: { uhubctl: 'uhubctl-not-installed-here' } }, BOARD, 'on').catch((e: unknown) => e);
  t.ok(err instanceof InfraError);
  t.match((err as InfraError).message, /uhubctl is not installed \(no program 'uhubctl-not-installed-here' on PATH\)/);
  t.match((err as InfraError).fix, /apt-get install uhubctl/);
});

t.test('a hung uhubctl is killed at the timeout; an abort kills it at once', async (t) => {
  const fake = fakeUhubctl(t, OK_OUTPUT, 0, 30);
  const started = Date.now();
  const err = await switchPower({ tools: { uhubctl: fake.program } }, BOARD, 'cycle', { timeoutMs: 200 }).catch((e: unknown) => e);
  t.ok(err instanceof InfraError);
  t.match((err as InfraError).message, /did not finish within 200 ms and was killed/);
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('run cancelled')), 100);
  await t.rejects(switchPower({ tools: { uhubctl: fake.program } }, BOARD, 'cycle', { signal: ac.signal }), { message: 'run cancelled' });
  t.ok(Date.now() - started < 5000, 'neither waited for the 30 s sleep');
});
