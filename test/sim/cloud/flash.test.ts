import t from 'tap';
import type { DeviceId } from '../../../src/domain.js';
import { makeTestApp } from '../../../src/firmware/make.js';
import { parseModule } from '../../../src/firmware/parse.js';
import { openStream, startCloud } from './fixtures/cloud.js';
import { StandInBoard } from './fixtures/stand-in-board.js';

const ID = '3a002c000847343337373738' as DeviceId;

interface ApiFailure {
  statusCode: number;
  body: { ok?: boolean; error?: string };
}

t.test('PUT /v1/devices/:id with a file flashes the board over the air', async (t) => {
  const board = new StandInBoard('photon-1', ID, 'photon');
  const { api, token } = await startCloud(t, { boards: [board] });
  const dir = t.testdir({});
  const app = makeTestApp({ platform: 'photon', version: 7 });
  const sha = parseModule(app).sha256;

  t.test('the reply says the update started, and the full event sequence follows', async (t) => {
    const stream = await openStream(t, api, { deviceId: ID, auth: token });
    const reply = await api.flashDevice({ deviceId: ID, files: { 'app.bin': app }, auth: token });
    t.equal(reply.statusCode, 200);
    t.same(reply.body, { id: ID, status: 'Update started' });
    await stream.waitFor((e) => e.some((x) => x.name === 'spark/device/app-hash'), 'spark/device/app-hash', 10_000);
    t.same(stream.events.map((e) => [e.name, e.data]), [
      ['spark/flash/status', 'started '],
      ['spark/flash/status', 'success '],
      ['spark/status', 'offline'],
      ['spark/status', 'online'],
      ['spark/device/last_reset', 'update'],
      ['spark/device/app-hash', sha.toUpperCase()],
    ]);
    t.equal(stream.events.at(-1)?.data.toLowerCase(), sha, 'app-hash is the SHA-256 of the binary sent');
  });

  t.test('a file given by path is read and sent as well (particle-api-js streams it)', async (t) => {
    const path = `${dir}/app.bin`;
    await import('node:fs/promises').then((fs) => fs.writeFile(path, app));
    const stream = await openStream(t, api, { deviceId: ID, name: 'spark/device/app-hash', auth: token });
    const reply = await api.flashDevice({ deviceId: 'photon-1', files: { 'app.bin': path }, auth: token });
    t.match(reply.body, { status: 'Update started' });
    await stream.waitFor((e) => e.length === 1, 'the app hash');
  });

  t.test('a binary for another platform is refused before the board sees it', async (t) => {
    const argonApp = makeTestApp({ platform: 'argon' });
    const err = await api.flashDevice({ deviceId: ID, files: { 'app.bin': argonApp }, auth: token }).then(() => undefined, (e: ApiFailure) => e);
    t.equal(err?.statusCode, 400);
    t.match(err?.body.error, /built for Argon, the device is a Photon/);
  });

  t.test('a file that is not a module is refused', async (t) => {
    const err = await api.flashDevice({ deviceId: ID, files: { 'app.bin': Buffer.from('void setup() {}') }, auth: token }).then(() => undefined, (e: ApiFailure) => e);
    t.equal(err?.statusCode, 400);
    t.match(err?.body.error, /not a Particle module/);
  });

  t.test('an offline board: 404 with the API error shape, nothing started', async (t) => {
    board.setOnline(false);
    t.teardown(() => board.setOnline(true));
    const err = await api.flashDevice({ deviceId: ID, files: { 'app.bin': app }, auth: token }).then(() => undefined, (e: ApiFailure) => e);
    t.equal(err?.statusCode, 404);
    t.equal(err?.body.ok, false);
    t.equal(err?.body.error, 'Device is not connected');
  });

  t.test('an app with updates disabled: the update is held as pending', async (t) => {
    board.updatesDisabled = true;
    t.teardown(() => {
      board.updatesDisabled = false;
    });
    const stream = await openStream(t, api, { deviceId: ID, name: 'particle/device/updates', auth: token });
    const reply = await api.flashDevice({ deviceId: ID, files: { 'app.bin': app }, auth: token });
    t.equal(reply.statusCode, 202);
    t.same(reply.body, { id: ID, status: 'Update pending' });
    await stream.waitFor((e) => e.length === 1, 'the pending event');
    t.same(stream.events.map((e) => [e.name, e.data]), [['particle/device/updates/pending', 'true']]);
    const detail = (await api.getDevice({ deviceId: ID, auth: token })).body as unknown as Record<string, unknown>;
    t.equal(detail.firmware_updates_pending, true);
  });

  t.test('a body above the size limit is refused with 413', async (t) => {
    const { cloud, token: small } = await startCloud(t, { boards: [], maxBodyBytes: 1024 });
    const form = new FormData();
    form.set('file', new Blob([app]), 'app.bin');
    const res = await fetch(`${cloud.url}/v1/devices/${ID}`, { method: 'PUT', body: form, headers: { Authorization: `Bearer ${small}` } });
    t.equal(res.status, 413);
  });
});
