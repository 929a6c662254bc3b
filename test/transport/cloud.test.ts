// The cloud transport (src/transport/cloud.ts) through real particle-api-js
// against the simulated cloud on 127.0.0.1, with real simulated boards
// doing the OTA over their modelled link.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceId } from '../../src/core/domain.js';
import { InfraError, FlashRejectedError } from '../../src/core/errors.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { createCloudServer } from '../../src/sim/cloud/server.js';
import { captureDeviceEvents, deviceConnected, flashOverCloud } from '../../src/transport/cloud.js';
import { onlineBoard, whenOnline } from '../sim/cloud/fixtures/boards.js';

const ID = '3a002c000847343337373738' as DeviceId;
const TOKEN = 'secret-token-4f9a2c7e11d0';

const ndjson = (file: string): Array<Record<string, unknown>> =>
  readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

t.test('OTA through the cloud, with every event captured', async (t) => {
  const board = await onlineBoard(t, { name: 'photon-1', id: ID, platform: 'photon' });
  const server = await createCloudServer({ boards: [board], tokens: [TOKEN] });
  t.teardown(() => server.close());
  const cloud = { api: server.url, token: TOKEN };
  const file = join(t.testdir({}), 'photon-1', 'events.ndjson');
  const capture = await captureDeviceEvents(cloud, ID, file);
  t.teardown(() => capture.stop());

  t.test('the update starts, runs, and the new app hash arrives', async (t) => {
    t.equal(await deviceConnected(cloud, ID), true);
    const app = makeTestApp({ platform: 'photon', version: 7 });
    const sha = parseModule(app).sha256;
    const from = capture.log.events().length;
    const reply = await flashOverCloud(cloud, ID, { name: 'candidate', image: app });
    t.same([reply.statusCode, reply.status], [200, 'Update started']);
    const hash = await capture.log.waitFor('spark/device/app-hash', { fromSeq: from, withinMs: 5000 });
    t.ok(hash, 'the app hash event came');
    t.equal(hash?.data.toLowerCase(), sha, 'and names the image sent (compared case-insensitively)');
    const seen = capture.log.events().slice(from).map((e) => [e.name, e.data]);
    t.same(seen, [
      ['spark/flash/status', 'started '],
      ['spark/flash/status', 'success '],
      ['spark/status', 'offline'],
      ['spark/status', 'online'],
      ['spark/device/last_reset', 'update'],
      ['spark/device/app-hash', sha.toUpperCase()],
    ]);
    const lines = ndjson(file);
    t.equal(lines.length, capture.log.events().length, 'events.ndjson has every event, as it arrived');
    t.match(lines.at(-1), { name: 'spark/device/app-hash', coreid: ID, seq: lines.length - 1, at: Number });
    t.notOk(readFileSync(file, 'utf8').includes(TOKEN), 'the token is nowhere in events.ndjson');
  });

  t.test('waitFor: name prefix, data pattern, from a sequence number, a time limit', async (t) => {
    const status = await capture.log.waitFor('spark/flash', { data: /^success/, withinMs: 10 });
    t.equal(status?.data, 'success ');
    const none = await capture.log.waitFor('spark/flash', { fromSeq: capture.log.events().length, withinMs: 50 });
    t.equal(none, undefined, 'nothing new within 50 ms');
    const ac = new AbortController();
    const waiting = capture.log.waitFor('never', { withinMs: 5000, signal: ac.signal });
    ac.abort(new Error('cancelled'));
    await t.rejects(waiting, { message: 'cancelled' });
  });

  t.test('a binary the cloud refuses is the firmware\'s failure, in the cloud\'s words', async (t) => {
    const err = await flashOverCloud(cloud, ID, { name: 'wrong', image: makeTestApp({ platform: 'argon' }) }).catch((e: unknown) => e);
    t.type(err, FlashRejectedError);
    t.match((err as FlashRejectedError).message, /built for Argon, the device is a Photon/);
    t.same((err as FlashRejectedError).boardMessages, ['cloud: HTTP 400: Incompatible binary: built for Argon, the device is a Photon']);
  });

  t.test('an offline board: the cloud says so', async (t) => {
    board.faults.powerCut();
    t.equal(await deviceConnected(cloud, ID), false);
    const err = await flashOverCloud(cloud, ID, { name: 'x', image: makeTestApp({ platform: 'photon' }) }).catch((e: unknown) => e);
    t.type(err, FlashRejectedError);
    t.match((err as Error).message, /Device is not connected/);
    board.powerOn();
    await whenOnline(board);
  });
});

t.test('the rig\'s reach failing is an InfraError without the token', async (t) => {
  const server = await createCloudServer({ tokens: [TOKEN] });
  t.teardown(() => server.close());
  const image = makeTestApp({ platform: 'photon' });

  t.test('a wrong token', async (t) => {
    const wrong = 'wrong-token-0000000000';
    const err = await flashOverCloud({ api: server.url, token: wrong }, ID, { name: 'x', image }).catch((e: unknown) => e);
    t.type(err, InfraError);
    t.match((err as InfraError).message, /refused the access token/);
    t.notOk((err as InfraError).format().includes(wrong));
    const stream = await captureDeviceEvents({ api: server.url, token: wrong }, ID, join(t.testdir({}), 'e.ndjson')).catch((e: unknown) => e);
    t.type(stream, InfraError);
    t.notOk((stream as InfraError).format().includes(wrong));
  });

  t.test('a device the account does not have', async (t) => {
    await t.rejects(flashOverCloud({ api: server.url, token: TOKEN }, ID, { name: 'x', image }), { name: 'InfraError', message: /does not let this account reach the device/ });
  });

  t.test('no cloud at all', async (t) => {
    const gone = await createCloudServer({ tokens: [TOKEN] });
    const api = gone.url;
    await gone.close();
    const err = await flashOverCloud({ api, token: TOKEN }, ID, { name: 'x', image }).catch((e: unknown) => e);
    t.type(err, InfraError);
    t.match((err as InfraError).message, /cannot be reached/);
    t.notOk((err as InfraError).format().includes(TOKEN));
    await t.rejects(captureDeviceEvents({ api, token: TOKEN }, ID, join(t.testdir({}), 'e.ndjson')), { name: 'InfraError', message: /cannot be reached .*event stream/ });
  });
});

t.test('the stream follows a cloud that drops it, and stops cleanly', async (t) => {
  const board = await onlineBoard(t, { name: 'photon-1', id: ID, platform: 'photon' });
  const first = await createCloudServer({ boards: [board], tokens: [TOKEN] });
  const port = Number(new URL(first.url).port);
  const file = join(t.testdir({}), 'events.ndjson');
  const drops: string[] = [];
  const capture = await captureDeviceEvents({ api: first.url, token: TOKEN }, ID, file, { backoffMs: [50, 100], onDrop: (why) => drops.push(why) });
  t.teardown(() => capture.stop());
  t.equal(first.streamCount, 1);

  await first.close(); // the cloud goes away: the stream ends
  await new Promise((r) => setTimeout(r, 200)); // a few failed attempts against nothing
  t.same(drops, ['the event stream ended']);
  t.equal(capture.stream.connected, false);

  const second = await createCloudServer({ boards: [board], tokens: [TOKEN], port });
  t.teardown(() => second.close());
  const deadline = Date.now() + 3000;
  while (!capture.stream.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.equal(capture.stream.connected, true, 'reconnected to the cloud that came back');
  t.equal(capture.stream.reconnects, 1);

  const from = capture.log.events().length;
  board.faults.reset();
  const reset = await capture.log.waitFor('spark/device/last_reset', { fromSeq: from, withinMs: 5000 });
  t.equal(reset?.data, 'pin_reset', 'events after the reconnection are captured');
  t.equal(ndjson(file).length, capture.log.events().length);

  capture.stop();
  await new Promise((r) => setTimeout(r, 50));
  t.equal(second.streamCount, 0, 'stop closed the stream');
  t.equal(capture.stream.connected, false);
});

t.test('stop while waiting to reconnect leaves no timer and no connection behind', async (t) => {
  const server = await createCloudServer({ tokens: [TOKEN], boards: [await onlineBoard(t, { name: 'p', id: ID, platform: 'photon' })] });
  const port = Number(new URL(server.url).port);
  const capture = await captureDeviceEvents({ api: server.url, token: TOKEN }, ID, join(t.testdir({}), 'e.ndjson'), { backoffMs: [300] });
  await server.close();
  await new Promise((r) => setTimeout(r, 20));
  capture.stop(); // during the 300 ms backoff
  const later = await createCloudServer({ tokens: [TOKEN], port });
  t.teardown(() => later.close());
  await new Promise((r) => setTimeout(r, 500));
  t.equal(later.streamCount, 0, 'no reconnection after stop');
  t.equal(capture.stream.connected, false);
});
