// The hardware path run for real: scripts/kernel-bench.sh boots a Linux
// guest (Debian's kernel under QEMU) that attaches the simulated boards over
// USB/IP, and the rig inside it runs as on a lab bench (a bench file of
// device IDs; serial ports through udev, USB through libusb, Debian's
// dfu-util; a non-root user with the repository's udev rules). Nothing is
// mocked: the kernel's vhci-hcd, cdc-acm and usbfs carry every byte.
// Skipped, with the reason, where QEMU or Debian's kernel package is not to
// be had. By default the guest checks udev's links and runs plans/smoke.yaml
// (80-100 s on 2 busy cores: node loads slowly on an emulated CPU);
// RIG_KERNEL_BENCH_FULL=1 adds `rig boards`, the log capture across a reset
// that renames the port, and field plan 002 (about 4 min: run it with
// `npx tap --timeout 400`). If tap gives up on the file, the script notices
// its parent is gone and stops the guest and the simulated bench.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const full = process.env.RIG_KERNEL_BENCH_FULL === '1';

function whyNot(): string | undefined {
  // Opt-in for now: beside the rest of the suite on 2 cores, the emulated guest's smoke plan ran
  // past 230 s (39 s on a quiet machine); until that is understood it must not decide CI.
  if (process.env.RIG_KERNEL_BENCH !== '1' && !full) return 'opt-in: RIG_KERNEL_BENCH=1 (or RIG_KERNEL_BENCH_FULL=1) runs the guest';
  if (spawnSync('qemu-system-x86_64', ['--version']).status !== 0) return 'qemu-system-x86_64 is not installed (scripts/install-system-packages.sh installs it)';
  const kernel = spawnSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8' });
  if (!/Depends: linux-image-\d/.test(kernel.stdout ?? '')) return 'apt knows no linux-image-amd64 to download (not Debian, or no apt-get update)';
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return 'dist/ is not built (npm run build)';
  return undefined;
}

const skip = whyNot();
// An emulated CPU boots the guest and loads node in it: more than tap's 120 s per file on a
// loaded 2-core machine. The file's own limit, told to tap's runner; the guest's is below it.
t.setTimeout(full ? 420_000 : 300_000);

t.test('the rig in a Linux guest, on boards attached over USB/IP', { skip: skip ?? false }, async (t) => {
  const command = ['bash', 'test/hardware-path/guest/lab-bench.sh', 'udev', 'smoke', ...(full ? ['boards', 'capture', 'field'] : [])];
  // Bounded below tap's own timeout, so the script stops the guest and the bench itself.
  const child = spawn('nice', ['-n', '10', 'bash', 'scripts/kernel-bench.sh', ...command], {
    cwd: ROOT,
    env: { ...process.env, RIG_GUEST_TIMEOUT: full ? '380' : '260' },
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
  t.equal(code, 0, 'the guest ran its command', { console: out.slice(-4000), stderr: err.slice(-3000) });

  const up = /RIG-GUEST ([\d.]+)s boards attached/.exec(out);
  t.ok(up, 'the guest booted and attached the boards');
  t.comment(`guest: boards attached ${up?.[1] ?? '?'} s after boot`);

  const udev = marker('UDEV-RC') ?? '';
  t.match(udev, /usb-Particle_\w+_[0-9a-f]{24}-if00=\/dev\/ttyACM\d+;/, 'udev names each board\'s port by its device ID (/dev/serial/by-id)');

  const smoke = marker('SMOKE-RC');
  t.match(smoke, /^0 /, 'plans/smoke.yaml passes: DFU through dfu-util, serial YMODEM over cdc-acm, OTA, safe mode and back', { steps: out.match(/^\S+ · smoke: .*$/gm) });
  t.comment(`smoke plan wall time in the guest: ${smoke?.split(' ')[1] ?? '?'} s`);

  if (full) {
    const boards = marker('BOARDS-RC');
    t.match(boards, /^0 /, 'rig boards succeeds');
    const listed = JSON.parse(boards?.replace(/^\d+ [\d.]+ /, '') || '{"boards":[]}') as { boards: { name: string; mode: string; port: string }[] };
    t.comment(`rig boards wall time in the guest: ${boards?.split(' ')[1] ?? '?'} s`);
    t.ok(listed.boards.length > 0, 'the bench has boards');
    for (const b of listed.boards) {
      t.equal(b.mode, 'normal', `${b.name}: on USB in normal mode`);
      t.match(b.port, /^\/dev\/ttyACM\d+$/, `${b.name}: its serial port found through udev by device ID`);
    }
    const capture = /^CAPTURE-RESULT (.*)$/m.exec(out)?.[1];
    t.match(marker('CAPTURE-RC'), /^0 /, 'the log capture kept every line across a reset that renamed the port', { capture });
    const seen = JSON.parse(capture ?? '{}') as { before?: string; after?: string; firstLineOfReferenceBootMs?: number; firstLineOfRenamedBootMs?: number };
    t.not(seen.before, seen.after, `the port came back under another name (${seen.before} -> ${seen.after})`);
    t.ok(Math.abs((seen.firstLineOfRenamedBootMs ?? -1e9) - (seen.firstLineOfReferenceBootMs ?? 1e9)) < 100, 'the renamed boot\'s lines are there from its first, as a whole boot\'s', { seen });
    t.match(marker('FIELD-RC'), /^0 /, 'plans/field/002 passes');
  }

  const imports = [...err.matchAll(/imported (\d+) ms after it enumerated/g)].map((m) => Number(m[1])).slice(1);
  if (imports.length > 0) t.comment(`re-attach after a re-enumeration (enumerated -> imported by the guest): ${imports.length} times, max ${Math.max(...imports)} ms`);
});
