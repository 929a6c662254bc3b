import { writeFile } from 'node:fs/promises';
import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { parseModule } from '../../../src/firmware/parse.js';
import { defaultLink } from '../../../src/sim/network/link.js';
import { onlineBoard, whenOnline } from './fixtures/boards.js';
import { openStream, startCloud } from './fixtures/cloud.js';

const ID = '3a002c000847343337373738';

interface ApiFailure {
  statusCode: number;
  body: { ok?: boolean; error?: string };
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: ApiFailure) => e);

t.test('PUT /v1/devices/:id with a file flashes a simulated board over the air', async (t) => {
  const board = await onlineBoard(t, { name: 'photon-1', id: ID, platform: 'photon' });
  const { api, token } = await startCloud(t, { boards: [board] });
  const app = makeTestApp({ platform: 'photon', version: 7 });
  const sha = parseModule(app).sha256;

  t.test('the reply says the update started, and the full event sequence follows', async (t) => {
    const stream = await openStream(t, api, { deviceId: ID, auth: token });
    const reply = await api.flashDevice({ deviceId: ID, files: { 'app.bin': app }, auth: token });
    t.equal(reply.statusCode, 200);
    t.same(reply.body, { id: ID, status: 'Update started' });
    await stream.waitFor((e) => e.some((x) => x.name === 'spark/device/app-hash'), 'spark/device/app-hash');
    t.same(stream.events.map((e) => [e.name, e.data]), [
      ['spark/flash/status', 'started '],
      ['spark/flash/status', 'success '],
      ['spark/status', 'offline'],
      ['spark/status', 'online'],
      ['spark/device/last_reset', 'update'],
      ['spark/device/app-hash', sha.toUpperCase()],
    ]);
    t.equal(stream.events.at(-1)?.data.toLowerCase(), sha, 'app-hash is the SHA-256 of the binary sent');
    t.equal(board.runningAppHash(), sha, 'and the board really runs it');
  });

  t.test('a file given by path is streamed by particle-api-js and flashed as well', async (t) => {
    const v8 = makeTestApp({ platform: 'photon', version: 8 });
    const path = `${t.testdir({})}/app.bin`;
    await writeFile(path, v8);
    const stream = await openStream(t, api, { deviceId: ID, name: 'spark/device/app-hash', auth: token });
    const reply = await api.flashDevice({ deviceId: 'photon-1', files: { 'app.bin': path }, auth: token });
    t.match(reply.body, { status: 'Update started' });
    await stream.waitFor((e) => e.length === 1, 'the app hash');
    t.equal(stream.events[0]?.data.toLowerCase(), parseModule(v8).sha256);
  });

  t.test('a binary for another platform is refused before the board sees it', async (t) => {
    const before = board.runningAppHash();
    const err = await failure(api.flashDevice({ deviceId: ID, files: { 'app.bin': makeTestApp({ platform: 'argon' }) }, auth: token }));
    t.equal(err?.statusCode, 400);
    t.match(err?.body.error, /built for Argon, the device is a Photon/);
    t.equal(board.runningAppHash(), before);
  });

  t.test('a file that is not a module is refused', async (t) => {
    const err = await failure(api.flashDevice({ deviceId: ID, files: { 'app.ino': Buffer.from('void setup() {}') }, auth: token }));
    t.equal(err?.statusCode, 400);
    t.match(err?.body.error, /not a Particle module/);
  });

  t.test('a second update while one is in transfer: 409, the first goes on', async (t) => {
    // A slow link (100 B/s: 40 s of board time for 4 KB, ~200 ms of wall time)
    // keeps the first transfer going while the second request arrives.
    board.faults.setLink({ bandwidth: 100 });
    t.teardown(() => board.faults.setLink({ bandwidth: defaultLink('wifi').bandwidth }));
    const first = makeTestApp({ platform: 'photon', version: 9 });
    const stream = await openStream(t, api, { deviceId: ID, name: 'spark/device/app-hash', auth: token });
    t.match((await api.flashDevice({ deviceId: ID, files: { 'first.bin': first }, auth: token })).body, { status: 'Update started' });
    const err = await failure(api.flashDevice({ deviceId: ID, files: { 'app.bin': app }, auth: token }));
    t.equal(err?.statusCode, 409);
    t.equal(err?.body.ok, false);
    await stream.waitFor((e) => e.length === 1, 'the app of the first update running');
    t.equal(stream.events[0]?.data.toLowerCase(), parseModule(first).sha256);
  });

  t.test('an app with updates disabled: the update is held as pending', async (t) => {
    const locked = makeTestApp({ platform: 'photon', version: 10, behaviour: { disablesUpdates: true } });
    const hash = await openStream(t, api, { deviceId: ID, name: 'spark/device/app-hash', auth: token });
    await api.flashDevice({ deviceId: ID, files: { 'locked.bin': locked }, auth: token });
    await hash.waitFor((e) => e.length === 1, 'the locking app running');
    const pending = await openStream(t, api, { deviceId: ID, name: 'particle/device/updates', auth: token });
    const reply = await api.flashDevice({ deviceId: ID, files: { 'app.bin': app }, auth: token });
    t.equal(reply.statusCode, 202);
    t.same(reply.body, { id: ID, status: 'Update pending' });
    await pending.waitFor((e) => e.length === 1, 'the pending event');
    t.same(pending.events.map((e) => [e.name, e.data]), [['particle/device/updates/pending', 'true']]);
    const detail = (await api.getDevice({ deviceId: ID, auth: token })).body as unknown as Record<string, unknown>;
    t.equal(detail.firmware_updates_pending, true);
    t.equal(board.runningAppHash(), parseModule(locked).sha256, 'the locking app still runs');
  });

  t.test('an offline board: 404 with the API error shape, nothing started', async (t) => {
    board.faults.powerCut();
    t.equal(board.cloudConnected, false);
    const err = await failure(api.flashDevice({ deviceId: ID, files: { 'app.bin': app }, auth: token }));
    t.equal(err?.statusCode, 404);
    t.same({ ok: err?.body.ok, error: err?.body.error }, { ok: false, error: 'Device is not connected' });
    board.powerOn();
    await whenOnline(board);
  });

  t.test('a body above the size limit is refused with 413', async (t) => {
    const { cloud, token: small } = await startCloud(t, { maxBodyBytes: 1024 });
    const form = new FormData();
    form.set('file', new Blob([app]), 'app.bin');
    const res = await fetch(`${cloud.url}/v1/devices/${ID}`, { method: 'PUT', body: form, headers: { Authorization: `Bearer ${small}` } });
    t.equal(res.status, 413);
  });
});
