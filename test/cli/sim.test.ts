// `rig sim` as a child process, as a program that wants a bench would run
// it: through the CLI's main (under tsx, so no build is needed), JSON lines
// on stdout, the cloud used with the printed token, stopped by a signal or
// by closing its stdin, leaving no run folder behind.
import t, { type Test } from 'tap';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

interface Sim {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code; rejects if the process is still running after `ms`. */
  exited(ms?: number): Promise<number | null>;
  /** Resolves once stdout has `n` complete lines. */
  lines(n: number, ms?: number): Promise<string[]>;
}

function startSim(t: Test, args: string[]): Sim {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv))`, 'rig', 'sim', ...args], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const within = <T>(p: Promise<T>, ms: number, what: string) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms; stdout ${JSON.stringify(out)} stderr ${JSON.stringify(err)}`)), ms).unref())]);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: (ms = 10_000) => within(exit, ms, 'rig sim did not exit'),
    lines: (n, ms = 20_000) =>
      within(
        new Promise<string[]>((resolve) => {
          const check = () => {
            const lines = out.split('\n').slice(0, -1);
            if (lines.length < n) return;
            child.stdout.off('data', check);
            resolve(lines);
          };
          child.stdout.on('data', check);
          check();
        }),
        ms,
        `rig sim did not print ${n} lines`,
      ),
  };
}

type BoardLine = { event: 'board'; name: string; platform: string; id: string; serial: string };
type ReadyLine = { event: 'ready'; cloud: { api: string; token: string }; usbEnv: Record<string, string>; control: { api: string }; usb: { socket: string } };

t.test('--json: a line per board, then ready; the cloud works with the printed token; SIGINT closes everything', async (t) => {
  const sim = startSim(t, ['--json']);
  const lines = (await sim.lines(5)).map((l) => JSON.parse(l) as BoardLine | ReadyLine);
  const boards = lines.slice(0, 4) as BoardLine[];
  const ready = lines[4] as ReadyLine;
  t.same(boards.map((b) => [b.event, b.name, b.platform]), [
    ['board', 'photon-1', 'photon'], ['board', 'electron-1', 'electron'], ['board', 'argon-1', 'argon'], ['board', 'p2-1', 'p2'],
  ]);
  t.equal(boards[0]?.id, '3a002c000847343337373738');
  for (const b of boards) t.ok(existsSync(b.serial), `${b.name}: its port ${b.serial} exists`);
  t.equal(ready.event, 'ready');
  t.same(Object.keys(ready).sort(), ['cloud', 'control', 'event', 'usb', 'usbEnv']);
  t.equal(ready.usbEnv.RIG_USB_SOCKET, ready.usb.socket);
  t.equal(ready.usbEnv.LD_PRELOAD, join(ROOT, 'build', 'native', 'libusb-socket.so'));
  t.ok(existsSync(ready.usb.socket), 'the USB bus socket exists');

  const devices = await fetch(`${ready.cloud.api}/v1/devices`, { headers: { authorization: `Bearer ${ready.cloud.token}` } });
  t.equal(devices.status, 200, 'the printed token opens the cloud');
  t.equal(((await devices.json()) as unknown[]).length, 4);
  const refused = await fetch(`${ready.cloud.api}/v1/devices`);
  t.equal(refused.status, 401);
  await refused.text();
  const caps = await fetch(`${ready.control.api}/v1/capabilities`);
  t.match(await caps.json(), { faults: ['power-cut'] }, 'the control service answers');

  sim.child.kill('SIGINT');
  t.equal(await sim.exited(), 0, 'exit 0 after SIGINT');
  t.equal(sim.stdout().split('\n').length, 6, 'nothing but the five JSON lines on stdout');
  t.notMatch(sim.stderr(), ready.cloud.token, 'the token never reaches stderr');
  t.notOk(existsSync(dirname(ready.usb.socket)), 'the run folder, its sockets and port links are gone');
  for (const b of boards) t.notOk(existsSync(b.serial), `${b.name}: port link gone`);
  const gone = await fetch(`${ready.cloud.api}/v1/devices`).then(() => 'answered', () => 'refused');
  t.equal(gone, 'refused', 'the cloud is down');
});

t.test('--json: closing stdin (the parent went away) stops the bench', async (t) => {
  const sim = startSim(t, ['--json']);
  const lines = await sim.lines(5);
  const ready = JSON.parse(lines[4] as string) as ReadyLine;
  sim.child.stdin.end();
  t.equal(await sim.exited(), 0);
  t.match(sim.stderr(), /end of stdin/);
  t.notOk(existsSync(dirname(ready.usb.socket)), 'run folder removed');
});

t.test('without --json: a table for a person, no token; stdin closing does not stop it; SIGTERM does', async (t) => {
  const sim = startSim(t, []);
  const lines = await sim.lines(10);
  t.match(lines[1], /^NAME\s+PLATFORM\s+DEVICE ID\s+PORT$/);
  t.match(lines[2], /^photon-1\s+photon\s+3a002c000847343337373738\s+\/\S+\/photon-1\.tty$/);
  t.match(sim.stdout(), /cloud: +http:\/\/127\.0\.0\.1:\d+/);
  t.match(sim.stdout(), /Ctrl-C to stop/);
  t.notMatch(sim.stdout(), /[0-9a-f]{40}/, 'no token printed');
  sim.child.stdin.end();
  await new Promise((r) => setTimeout(r, 300));
  t.equal(sim.child.exitCode, null, 'still running after stdin closed');
  sim.child.kill('SIGTERM');
  t.equal(await sim.exited(), 0);
});

t.test('a bench that is not simulated is bad input: exit 2, located', async (t) => {
  const sim = startSim(t, ['--bench', join(ROOT, 'test', 'fixtures', 'benches-good', 'lab.yaml')]);
  t.equal(await sim.exited(20_000), 2);
  t.match(sim.stderr(), /lab\.yaml:\d+:\d+: bench lab-1 is not a simulated bench/);
  t.equal(sim.stdout(), '');
});
