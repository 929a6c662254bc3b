// The hardware path run for real: scripts/kernel-bench.sh boots a Linux
// guest (Debian's kernel under QEMU) that attaches the simulated boards over
// USB/IP, and the rig inside it runs as on a lab bench (a bench file of
// device IDs; serial ports through udev, USB through libusb, Debian's
// dfu-util; a non-root user with the repository's udev rules). Nothing is
// mocked: the kernel's vhci-hcd, cdc-acm and usbfs carry every byte.
// The guest checks udev's links, `rig boards`, plans/smoke.yaml on every
// board, the log capture across a reset that renames the port, and field
// plan 002. `npm test` runs this file after the rest of the suite, alone
// (scripts/test.mjs): the guest's CPU is emulated, and beside the other
// tests on 2 cores it starved (smoke ran past 230 s, 60 s alone).
// Skipped, with the reason, where QEMU or Debian's kernel package is not to
// be had, or with RIG_KERNEL_BENCH=0. If tap gives up on the file, the script
// notices its parent is gone and stops the guest and the simulated bench.
import t from 'tap';
import { spawn } from 'node:child_process';
import { KERNEL_SIM_BENCH, kernelBenchMissing, reattachTimes } from '../../benchmarks/lib/kernel-bench.js';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
function whyNot(): string | undefined {
  if (process.env.RIG_KERNEL_BENCH === '0') return 'RIG_KERNEL_BENCH=0';
  return kernelBenchMissing();
}

const skip = whyNot();
// The boards the guest must find: those of the simulated bench it is served.
const benchBoards = (parse(readFileSync(KERNEL_SIM_BENCH, 'utf8')) as { boards: { name: string; id: string }[] }).boards;
// An emulated CPU boots the guest and loads node in it: about 4 minutes alone on 2 cores, more
// than tap's 120 s per file. The file's own limit (the 10 minutes), told to tap's
// runner; the guest's is below it.
t.setTimeout(600_000);

t.test('the rig in a Linux guest, on boards attached over USB/IP', { skip: skip ?? false }, async (t) => {
  const command = ['bash', 'test/hardware-path/guest/lab-bench.sh', 'udev', 'boards', 'smoke', 'capture', 'field'];
  // Bounded below tap's own timeout, so the script stops the guest and the bench itself.
  const child = spawn('nice', ['-n', '10', 'bash', 'scripts/kernel-bench.sh', ...command], {
    cwd: ROOT,
    env: { ...process.env, RIG_GUEST_TIMEOUT: '560' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  t.teardown(() => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const marker = (name: string): string | undefined => new RegExp(`^${name} (.*)$`, 'm').exec(out)?.[1]?.trim();
  t.equal(code, 0, 'every part passed in the guest (each is judged below)', { console: out.slice(-4000), stderr: err.slice(-6000) });

  const up = /RIG-GUEST ([\d.]+)s boards attached/.exec(out);
  t.ok(up, 'the guest booted and attached the boards');
  t.comment(`guest: boards attached ${up?.[1] ?? '?'} s after boot`);

  const wall = (m: string | undefined): string => m?.split(' ')[1] ?? '?';
  // What a failing part printed last (lab-bench.sh prefixes it), for the diagnostics.
  const said = (prefix: string): string[] => (out.match(new RegExp(`^${prefix} .*$`, 'gm')) ?? []).map((l) => l.slice(prefix.length + 1));
  const udev = marker('UDEV-RC') ?? '';
  t.match(udev, /^0 /, 'udev gave every board its /dev/serial/by-id link', { missing: said('UDEV-ERR') });
  t.comment(`udev links: all there ${wall(udev)} s after the guest said the boards were attached`);
  for (const b of benchBoards) {
    t.match(udev, new RegExp(`usb-Particle_\\w+_${b.id}-if00=/dev/ttyACM\\d+;`), `${b.name}: udev names its port by its device ID (/dev/serial/by-id)`);
  }

  const boards = marker('BOARDS-RC');
  t.match(boards, /^0 /, 'rig boards succeeds', { stderr: said('BOARDS-ERR') });
  t.comment(`rig boards wall time in the guest: ${wall(boards)} s`);
  const listed = JSON.parse(boards?.replace(/^\d+ [\d.]+ /, '') || '{"boards":[]}') as { boards: { name: string; mode: string; port: string }[] };
  t.same(listed.boards.map((b) => b.name).sort(), benchBoards.map((b) => b.name).sort(), 'rig boards lists every board of the bench');
  for (const b of listed.boards) {
    t.equal(b.mode, 'normal', `${b.name}: on USB in normal mode`);
    t.match(b.port, /^\/dev\/ttyACM\d+$/, `${b.name}: its serial port found through udev by device ID`);
  }
  t.equal(new Set(listed.boards.map((b) => b.port)).size, listed.boards.length, 'each board has a port of its own');

  const smoke = marker('SMOKE-RC');
  const steps = out.match(/^\S+ · smoke: .*$/gm) ?? [];
  t.match(smoke, /^0 /, 'plans/smoke.yaml passes: DFU through dfu-util, serial YMODEM over cdc-acm, OTA, safe mode and back', { steps, output: said('SMOKE-OUT') });
  // The report the guest's run wrote into the project (the same path on both sides).
  const reportPath = /^SMOKE-REPORT (.*)$/m.exec(out)?.[1];
  const report = reportPath && existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as { boards: { name: string; steps: { name: string; status: string }[] }[] }) : undefined;
  t.ok(report, 'the smoke run in the guest wrote its report', { reportPath });
  for (const b of benchBoards) {
    const steps = report?.boards.find((r) => r.name === b.name)?.steps ?? [];
    t.ok(steps.length === 12 && steps.every((s) => s.status === 'pass'), `${b.name}: every step of the smoke plan passed on it`, { steps: steps.map((s) => `${s.name}: ${s.status}`) });
  }
  t.comment(`smoke plan wall time in the guest: ${wall(smoke)} s`);

  const capture = /^CAPTURE-RESULT (.*)$/m.exec(out)?.[1];
  t.match(marker('CAPTURE-RC'), /^0 /, 'the log capture kept every line across a reset that renamed the port', { capture, stderr: said('CAPTURE-ERR') });
  const seen = JSON.parse(capture ?? '{}') as { before?: string; after?: string; firstLineOfReferenceBootMs?: number; firstLineOfRenamedBootMs?: number };
  t.not(seen.before, seen.after, `the port came back under another name (${seen.before} -> ${seen.after})`);
  t.ok(Math.abs((seen.firstLineOfRenamedBootMs ?? -1e9) - (seen.firstLineOfReferenceBootMs ?? 1e9)) < 100, 'the renamed boot\'s lines are there from its first, as a whole boot\'s', { seen });
  t.comment(`log capture across two resets in the guest: ${wall(marker('CAPTURE-RC'))} s; ${(seen as { emptyLines?: number }).emptyLines ?? '?'} empty lines from bytes cooked during the open of a new ttyACM number`);

  const field = marker('FIELD-RC');
  t.match(field, /^0 /, 'plans/field/002 passes', { output: said('FIELD-OUT') });
  t.comment(`field plan 002 wall time in the guest: ${wall(field)} s`);

  const imports = reattachTimes(err);
  if (imports.length > 0) t.comment(`re-attach after a re-enumeration (enumerated -> imported by the guest): ${imports.length} times, max ${Math.max(...imports)} ms`);
});
