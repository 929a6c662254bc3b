import { request } from 'node:http';
import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { createCloudServer } from '../../../src/sim/cloud/server.js';
import { makeBoard, whenOnline } from './fixtures/boards.js';
import { closeStream, openStream, sleep, startCloud } from './fixtures/cloud.js';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbb';

/** A raw SSE reader (node:http), to see the exact bytes and the end of the response. */
function rawStream(url: string, token: string): Promise<{ text: () => string; ended: Promise<void>; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      const ended = new Promise<void>((r) => res.on('end', r));
      resolve({ text: () => text, ended, destroy: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(5);
  }
}

t.test('event streams relay board events as server-sent events', async (t) => {
  // Board a runs an app that publishes app/tick every second of board time.
  const a = makeBoard(t, { name: 'a', id: A, platform: 'photon', app: makeTestApp({ platform: 'photon', behaviour: { publishes: { name: 'app/tick', periodMs: 1000 } } }) });
  const b = makeBoard(t, { name: 'b', id: B, platform: 'argon' });
  const { cloud, api, token } = await startCloud(t, { boards: [a, b] });
  a.powerOn();
  b.powerOn();
  await Promise.all([whenOnline(a), whenOnline(b)]);

  t.test('frames are `event:` + `data:` JSON with data, ttl, published_at and coreid', async (t) => {
    const before = Date.now();
    const raw = await rawStream(`${cloud.url}/v1/devices/events/app`, token);
    t.teardown(raw.destroy);
    await until('an app/tick frame', () => /\n\n.*\n\n/s.test(raw.text()));
    const m = /^:ok\n\nevent: app\/tick\ndata: (\{[^\n]*\})\n\n/.exec(raw.text());
    t.ok(m, `the stream opens with :ok, then one whole frame: ${JSON.stringify(raw.text().slice(0, 200))}`);
    const data = JSON.parse(m?.[1] ?? '{}') as Record<string, unknown>;
    t.same(Object.keys(data), ['data', 'ttl', 'published_at', 'coreid']);
    t.match(data, { data: /^\d+$/, ttl: 60, coreid: A });
    const at = Date.parse(data.published_at as string);
    t.ok(at >= before && at <= Date.now(), 'published_at is wall-clock time of the relay');
  });

  t.test('a name prefix filters events, given raw or encoded', async (t) => {
    const device = await openStream(t, api, { deviceId: 'mine', name: 'spark/device', auth: token });
    const status = await openStream(t, api, { deviceId: 'mine', name: 'spark/status', auth: token });
    const raw = await rawStream(`${cloud.url}/v1/devices/${B}/events/spark/device/last`, token);
    t.teardown(raw.destroy);
    b.faults.reset();
    await device.waitFor((e) => e.some((x) => x.name === 'spark/device/app-hash'), 'the app hash after the reset');
    await status.waitFor((e) => e.length >= 2, 'offline and online');
    t.same(device.events.map((e) => [e.name, e.data, e.coreid]), [
      ['spark/device/last_reset', 'pin_reset', B],
      ['spark/device/app-hash', b.runningAppHash()?.toUpperCase(), B],
    ], 'a prefix matches by string start (particle-api-js sends it encoded)');
    t.same(status.events.map((e) => e.data), ['offline', 'online']);
    await until('the raw last_reset frame', () => raw.text().includes('event: spark/device/last_reset'));
    t.notMatch(raw.text(), /app-hash|spark\/status|app\/tick/, 'a raw multi-segment prefix filters the same way');
  });

  t.test('a device stream carries only that device, by ID or by name', async (t) => {
    const onlyB = await openStream(t, api, { deviceId: B, auth: token });
    const aTicks = await openStream(t, api, { deviceId: 'a', name: 'app', auth: token });
    b.faults.reset();
    await onlyB.waitFor((e) => e.some((x) => x.name === 'spark/device/app-hash'), 'the reset sequence of b');
    await aTicks.waitFor((e) => e.length >= 2, 'two ticks of a');
    t.ok(onlyB.events.every((e) => e.coreid === B), 'nothing of a in the stream of b');
    t.ok(aTicks.events.every((e) => e.coreid === A && e.name === 'app/tick'), 'only app events of a');
    const unknown = await api.getEventStream({ deviceId: 'cccccccccccccccccccccccc', auth: token }).then(
      () => undefined,
      (e: { statusCode: number }) => e,
    );
    t.equal(unknown?.statusCode, 403, 'an unknown device has no stream');
  });

  t.test('many concurrent streams each receive every event, and are released when they close', async (t) => {
    const n = 40;
    const streams = await Promise.all(Array.from({ length: n }, () => openStream(t, api, { deviceId: B, name: 'spark', auth: token })));
    t.equal(cloud.streamCount, n);
    b.faults.reset();
    await Promise.all(streams.map((s) => s.waitFor((e) => e.some((x) => x.name === 'spark/device/app-hash'), 'the reset sequence')));
    const expected = streams[0]!.events.map((e) => [e.name, e.data]);
    t.same(expected.map(([name]) => name), ['spark/status', 'spark/status', 'spark/device/last_reset', 'spark/device/app-hash']);
    for (const s of streams) t.same(s.events.map((e) => [e.name, e.data]), expected);
    streams.forEach((s) => closeStream(s.stream));
    await until('the server noticing the closed streams', () => cloud.streamCount === 0);
    t.pass('every stream is released');
  });
});

t.test('keep-alive comments keep a quiet stream open', async (t) => {
  const { cloud, token } = await startCloud(t, { keepAliveMs: 20 });
  const raw = await rawStream(`${cloud.url}/v1/events`, token);
  t.teardown(raw.destroy);
  await until('three keep-alive comments', () => raw.text().split(':\n\n').length > 3);
  t.match(raw.text(), /^:ok\n\n(:\n\n)+$/, 'only comments, which clients ignore');
});

t.test('keepAliveMs must be positive', async (t) => {
  await t.rejects(createCloudServer({ keepAliveMs: 0 }), /keepAliveMs/);
});

t.test('shutdown ends open streams cleanly and stops relaying', async (t) => {
  const a = makeBoard(t, { name: 'a', id: A, platform: 'photon' });
  const cloud = await createCloudServer({ boards: [a] });
  const raw = await rawStream(`${cloud.url}/v1/devices/events`, cloud.token);
  await until('the stream opening', () => raw.text() === ':ok\n\n');
  const started = Date.now();
  await cloud.close();
  await raw.ended;
  t.ok(Date.now() - started < 900, 'closed without waiting for the forced cut-off');
  t.equal(a.listenerCount('cloudEvent') + a.listenerCount('cloudConnection'), 0, 'detached from the board');
  t.equal(cloud.streamCount, 0);
  await t.rejects(fetch(`${cloud.url}/v1/devices`), 'no longer listening');
  await cloud.close();
  t.pass('a second close is harmless');
});
