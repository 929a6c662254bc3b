// The Device OS table itself: consistent with Particle's release table and
// with every default the rig and the simulator take from it.
import t from 'tap';
import { DEVICE_OS_CHANGES, deviceOsHas, deviceOsProblem, deviceOsRelease, flashLayout, releaseOfSystemVersion } from '../../src/core/device-os.js';
import { RELEASE_ROWS } from '../../src/core/device-os-releases.js';
import { PLATFORM_NAMES, PLATFORMS } from '../../src/core/platform.js';
import { defaultSimDeviceOs } from '../../src/bench/sim-schema.js';
import { defaultAppRelease } from '../../src/firmware/dependency.js';

t.test('every default is a release its platform ran', async (t) => {
  for (const p of PLATFORM_NAMES) {
    t.equal(deviceOsProblem(p, defaultSimDeviceOs(p)), undefined, `${p}: a simulated board's default`);
    t.equal(deviceOsProblem(p, defaultAppRelease(p)), undefined, `${p}: a test app's default`);
  }
  for (const [change, release] of Object.entries(DEVICE_OS_CHANGES)) t.ok(deviceOsRelease(release), `${change}: ${release} is a release`);
});

t.test('the table reads as Particle wrote it', async (t) => {
  t.equal(new Set(RELEASE_ROWS.map(([name]) => name)).size, RELEASE_ROWS.length, 'each release once');
  t.same(deviceOsRelease('1.5.2'), { name: '1.5.2', system: 1512, bootloader: 502, platforms: ['photon', 'p1', 'electron', 'xenon', 'argon', 'boron'] });
  t.same(deviceOsRelease('5.8.0'), { name: '5.8.0', system: 5800, bootloader: 2600, platforms: ['argon', 'boron', 'p2'] });
  t.equal(deviceOsRelease('0.8.0'), undefined, 'there was no 0.8.0: no module version made up for it');
  for (const p of PLATFORM_NAMES) {
    const systems = RELEASE_ROWS.filter(([, , , on]) => on.split(' ').includes(p)).map(([, system]) => system);
    t.same(systems, [...systems].sort((a, b) => a - b), `${p}: system versions never go down, so a dependency names its release`);
  }
  t.equal(releaseOfSystemVersion('argon', 2301)?.name, '2.3.0');
  t.equal(releaseOfSystemVersion('p2', 1512), undefined, 'the P2 ran nothing that old');
});

t.test('what changed with a release, and the Gen3 user part by release', async (t) => {
  t.notOk(deviceOsHas('6.1.0', 'systemThreadByDefault'));
  t.ok(deviceOsHas('6.2.0', 'systemThreadByDefault'));
  t.notOk(deviceOsHas('2.3.1', 'ackedOta'));
  t.ok(deviceOsHas('3.0.0-rc.1', 'ackedOta'), 'a prerelease counts as its release');
  t.equal(flashLayout(PLATFORMS.argon, '3.0.0').userPart.start, 0x000d4000);
  t.equal(flashLayout(PLATFORMS.argon, '3.1.0').userPart.start, 0x000b4000);
  t.equal(flashLayout(PLATFORMS.photon, '3.1.0').userPart.start, 0x080a0000, 'Gen2 never changed');
});
