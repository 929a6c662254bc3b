#!/usr/bin/env node
// Builds build/native/libusb-socket.so, the libusb-1.0 stand-in that lets
// unmodified dfu-util reach a USB bus served on a Unix socket (the simulated
// bench). Runs at `npm ci` time. Users who drive only real hardware do not
// need it, so a missing compiler or missing libusb headers is one warning
// line and exit 0; `--strict` (tests, CI) makes it exit 1 instead.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'native');
const output = join(root, 'build', 'native', 'libusb-socket.so');
const strict = process.argv.includes('--strict');
const cc = process.env.CC || 'gcc';

function giveUp(what, fix) {
  const line = `build-native: ${what}; the simulated USB bus will not reach dfu-util (${fix})`;
  if (strict) {
    console.error(line);
    process.exit(1);
  }
  console.warn(`warning: ${line}`);
  process.exit(0);
}

const probe = spawnSync(cc, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  giveUp(`no C compiler (${cc} not found)`, 'install gcc, e.g. apt-get install gcc');
}

// The simulator's PTY set-up helper needs only a C compiler (without it the
// simulator falls back to python3, which costs ~30 ms a port appearance).
const ptySetup = join(root, 'build', 'native', 'pty-setup');
mkdirSync(dirname(ptySetup), { recursive: true });
const helper = spawnSync(cc, ['-O2', '-Wall', '-Wextra', '-o', ptySetup, join(sourceDir, 'pty-setup', 'pty-setup.c')], { encoding: 'utf8' });
if (helper.status === 0) console.log(`build-native: built ${relative(root, ptySetup)}`);
else console.warn(`warning: build-native: ${cc} failed to compile native/pty-setup; the simulator will set up its ports with python3 (slower)`);

// Preprocess a one-line file to learn whether the libusb headers are there.
const header = spawnSync(cc, ['-E', '-x', 'c', '-'], { input: '#include <libusb-1.0/libusb.h>\n', encoding: 'utf8' });
if (header.status !== 0) {
  giveUp('libusb-1.0 headers not found (<libusb-1.0/libusb.h>)', 'install libusb-1.0-0-dev');
}

const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.c')).map((f) => join(sourceDir, f));
mkdirSync(dirname(output), { recursive: true });
const args = ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-pthread', '-fvisibility=default', '-o', output, ...sources];
const build = spawnSync(cc, args, { encoding: 'utf8' });
if (build.status !== 0) {
  process.stderr.write(build.stderr || String(build.error));
  giveUp(`${cc} failed to compile native/`, 'see the compiler output above');
}
if (build.stderr) process.stderr.write(build.stderr);
console.log(`build-native: built ${relative(root, output)}`);
