import t from 'tap';
import type { DeviceId } from '../../../src/core/domain.js';
import { makeBoard, onlineBoard, whenOnline } from './fixtures/boards.js';
import { startCloud } from './fixtures/cloud.js';

const PHOTON = '3a002c000847343337373738';
const BORON = 'e00fce68ece1d3d21a73dcc9';

interface ApiFailure {
  statusCode: number;
  body: { ok?: boolean; error?: string };
}

t.test('device endpoints describe the boards as api.particle.io does', async (t) => {
  const photon = makeBoard(t, { name: 'photon-1', id: PHOTON, platform: 'photon' });
  const boron = makeBoard(t, { name: 'boron-1', id: BORON, platform: 'boron', deviceOs: '4.0.0' });
  const { cloud, api, token } = await startCloud(t, { boards: [photon, boron] });
  photon.powerOn();
  await whenOnline(photon);

  t.test('GET /v1/devices lists every board with its identity and cloud state', async (t) => {
    const { body } = await api.listDevices({ auth: token });
    t.ok(Array.isArray(body), 'a bare array, as for a user account');
    const list = body as unknown as Record<string, unknown>[];
    t.equal(list.length, 2);
    t.match(list[0], {
      id: PHOTON, name: 'photon-1', platform_id: 6, product_id: 6, online: true, connected: true,
      cellular: false, system_firmware_version: '1.5.2', mac_wifi: photon.macAddress, last_heard: String,
    });
    t.ok(Date.parse(list[0]!.last_heard as string) > Date.now() - 60_000, 'last_heard is a recent wall-clock ISO time');
    t.match(list[1], {
      id: BORON, platform_id: 13, online: false, connected: false, cellular: true, last_heard: null,
      system_firmware_version: '4.0.0', imei: boron.imei, iccid: boron.iccid,
    });
  });

  t.test('GET /v1/devices/:id finds a board by ID or by name and adds the update flags', async (t) => {
    const byId = await api.getDevice({ deviceId: PHOTON, auth: token });
    t.match(byId.body, { id: PHOTON, name: 'photon-1', firmware_updates_enabled: true, firmware_updates_forced: false });
    const byName = await api.getDevice({ deviceId: 'boron-1', auth: token });
    t.equal(byName.body.id, BORON);
    const upper = await api.getDevice({ deviceId: PHOTON.toUpperCase(), auth: token });
    t.equal(upper.body.id, PHOTON, 'device IDs match in any case');
  });

  t.test('an unknown device: 403 Permission Denied, as the real API answers', async (t) => {
    const err = await api.getDevice({ deviceId: 'ffffffffffffffffffffffff', auth: token }).then(() => undefined, (e: ApiFailure) => e);
    t.equal(err?.statusCode, 403);
    t.equal(err?.body.error, 'Permission Denied');
  });

  t.test('particle/device/updates/enabled=false shows in firmware_updates_enabled until the next session', async (t) => {
    // particle-api-js 12 does not type this field of the real API.
    const updatesEnabled = async () =>
      ((await api.getDevice({ deviceId: PHOTON, auth: token })).body as unknown as Record<string, unknown>).firmware_updates_enabled;
    // The board model does not publish this system event yet; it is emitted
    // here on the real board's event channel, as the board would publish it.
    photon.emit('cloudEvent', 'particle/device/updates/enabled', 'false', 60);
    t.equal(await updatesEnabled(), false);
    photon.faults.reset();
    await new Promise((r) => photon.once('cloudConnection', r));
    await whenOnline(photon);
    t.equal(await updatesEnabled(), true, 'a new session starts with updates enabled, as after a reset');
  });

  t.test('product paths list and find the same boards', async (t) => {
    const { body } = await api.listDevices({ product: 1337, auth: token });
    t.match(body, { devices: [{ id: PHOTON }, { id: BORON }], meta: { total_pages: 1 } });
    t.equal((await api.getDevice({ deviceId: BORON, product: 'my-product', auth: token })).body.id, BORON);
  });

  t.test('boards can be added and removed while the cloud runs', async (t) => {
    const argon = await onlineBoard(t, { name: 'argon-1', id: 'a0a0a0a0a0a0a0a0a0a0a0a0', platform: 'argon' });
    cloud.addBoard(argon);
    const listed = (await api.listDevices({ auth: token })).body as unknown as Record<string, unknown>[];
    t.match(listed[2], { id: argon.id, online: true, last_heard: String }, 'a board added while online counts as heard now');
    t.throws(() => cloud.addBoard(argon), /already/, 'the same device ID twice is refused');
    t.equal(cloud.removeBoard(argon.id), true);
    t.equal(cloud.removeBoard(argon.id as DeviceId), false);
    const err = await api.getDevice({ deviceId: 'argon-1', auth: token }).then(() => undefined, (e: ApiFailure) => e);
    t.equal(err?.statusCode, 403);
    t.equal(argon.listenerCount('cloudEvent'), 0, 'the cloud no longer listens to a removed board');
  });

  t.test('unknown paths and methods', async (t) => {
    const auth = { Authorization: `Bearer ${token}` };
    t.equal((await fetch(`${cloud.url}/v1/users`, { headers: auth })).status, 404);
    const del = await fetch(`${cloud.url}/v1/devices/${PHOTON}`, { method: 'DELETE', headers: auth });
    t.equal(del.status, 405);
    t.equal(del.headers.get('allow'), 'GET, PUT');
  });
});
