// scripts/build-native.mjs: the stand-in is built at `npm ci` time, and a
// machine without a compiler or libusb headers gets one warning line and a
// successful install (it can still drive real hardware). The failing tools
// are stand-ins written here: the point is the script's reaction to them.
import t from 'tap';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { ROOT, ensureNativeLibrary } from './bench.js';

const script = join(ROOT, 'scripts', 'build-native.mjs');

/** A fake "compiler" that answers --version and fails everything else, as gcc without libusb-1.0-0-dev would on the header probe. */
async function compilerWithoutHeaders(dir: string): Promise<string> {
  const cc = join(dir, 'cc-no-libusb');
  await writeFile(cc, '#!/bin/sh\n[ "$1" = "--version" ] && { echo fake-cc 1.0; exit 0; }\necho "fatal error: libusb-1.0/libusb.h: No such file or directory" >&2\nexit 1\n');
  await chmod(cc, 0o755);
  return cc;
}

t.test('no compiler: one warning line, exit 0; with --strict exit 1', async (t) => {
  const env = { CC: 'no-such-compiler-here' };
  const r = await execa('node', [script], { env, reject: false });
  t.equal(r.exitCode, 0);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  t.match(r.stderr, /warning: build-native: no C compiler \(no-such-compiler-here not found\).*install gcc/);
  const strict = await execa('node', [script, '--strict'], { env, reject: false });
  t.equal(strict.exitCode, 1);
  t.match(strict.stderr, /no C compiler/);
});

t.test('no libusb headers: the line names the package to install', async (t) => {
  const cc = await compilerWithoutHeaders(t.testdir());
  const r = await execa('node', [script], { env: { CC: cc }, reject: false });
  t.equal(r.exitCode, 0);
  t.match(r.stderr, /libusb-1\.0 headers not found.*install libusb-1\.0-0-dev/);
});

t.test('the built library exports the libusb API dfu-util links against', async (t) => {
  const lib = await ensureNativeLibrary();
  const { stdout } = await execa('nm', ['-D', '--defined-only', lib]);
  const exported = new Set(stdout.split('\n').map((l) => l.trim().split(/\s+/).pop()));
  // `nm -D /usr/bin/dfu-util | grep libusb` on Debian's dfu-util 0.11.
  const dfuUtilNeeds = ['libusb_claim_interface', 'libusb_close', 'libusb_control_transfer', 'libusb_error_name', 'libusb_exit',
    'libusb_free_config_descriptor', 'libusb_free_device_list', 'libusb_get_bus_number', 'libusb_get_config_descriptor',
    'libusb_get_device_address', 'libusb_get_device_descriptor', 'libusb_get_device_list', 'libusb_get_port_numbers',
    'libusb_get_version', 'libusb_init', 'libusb_open', 'libusb_ref_device', 'libusb_release_interface', 'libusb_reset_device',
    'libusb_set_interface_alt_setting', 'libusb_set_option', 'libusb_unref_device'];
  t.same(dfuUtilNeeds.filter((f) => !exported.has(f)), [], 'nothing dfu-util calls falls through to the real libusb');
});
