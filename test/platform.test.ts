import t from 'tap';
import { createRequire } from 'node:module';
import { PLATFORMS, PLATFORM_NAMES, platformById, platformByPid, userPartAddress } from '../src/core/platform.js';

const require = createRequire(import.meta.url);
const constants = require('@particle/device-constants') as Record<string, {
  id: number; generation: number; usb: { productId: string }; dfu: { productId: string };
}>;

t.test('our platform table agrees with @particle/device-constants', async (t) => {
  for (const name of PLATFORM_NAMES) {
    const ours = PLATFORMS[name];
    const theirs = constants[name];
    t.ok(theirs, `${name} is known to device-constants`);
    if (!theirs) continue;
    t.equal(ours.id, theirs.id, `${name} platform id`);
    t.equal(ours.generation, theirs.generation, `${name} generation`);
    t.equal(ours.serialPid, Number(theirs.usb.productId), `${name} serial PID`);
    t.equal(ours.dfuPid, Number(theirs.dfu.productId), `${name} DFU PID`);
  }
});

t.test('look-ups by id and PID', async (t) => {
  t.equal(platformById(12)?.name, 'argon');
  t.same(platformByPid(0xd006), { platform: PLATFORMS.photon, dfu: true });
  t.same(platformByPid(0xc020), { platform: PLATFORMS.p2, dfu: false });
  t.equal(platformByPid(0x1234), undefined);
});

t.test('the P2 user part grows down from 0x08600000', async (t) => {
  t.equal(userPartAddress(PLATFORMS.p2, 0x1000), 0x08600000 - 0x1000);
  t.equal(userPartAddress(PLATFORMS.photon, 0x1000), 0x080a0000);
});
