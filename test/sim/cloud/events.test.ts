import { request } from 'node:http';
import t from 'tap';
import type { DeviceId } from '../../../src/domain.js';
import { createCloudServer } from '../../../src/sim/cloud/server.js';
import { closeStream, openStream, sleep, startCloud } from './fixtures/cloud.js';
import { StandInBoard } from './fixtures/stand-in-board.js';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaa' as DeviceId;
const B = 'bbbbbbbbbbbbbbbbbbbbbbbb' as DeviceId;

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
  const a = new StandInBoard('a', A, 'photon');
  const b = new StandInBoard('b', B, 'argon');
  const { cloud, api, token } = await startCloud(t, { boards: [a, b] });

  t.test('frames are `event:` + `data:` JSON with data, ttl, published_at and coreid', async (t) => {
    const raw = await rawStream(`${cloud.url}/v1/devices/events`, token);
    t.teardown(raw.destroy);
    await until('the stream opening', () => raw.text().startsWith(':ok\n\n'));
    const before = Date.now();
    a.emit('cloudEvent', 'app/hello', 'world', 60);
    await until('the event frame', () => raw.text().includes('\n\n', 5));
    const m = /^:ok\n\nevent: app\/hello\ndata: (.*)\n\n$/.exec(raw.text());
    t.ok(m, `one frame, exactly: ${JSON.stringify(raw.text())}`);
    const data = JSON.parse(m?.[1] ?? '{}') as Record<string, unknown>;
    t.same(Object.keys(data), ['data', 'ttl', 'published_at', 'coreid']);
    t.match(data, { data: 'world', ttl: 60, coreid: A });
    const at = Date.parse(data.published_at as string);
    t.ok(at >= before - 5 && at <= Date.now() + 5, 'published_at is wall-clock time of the relay');
  });

  t.test('a name prefix filters events, given raw or encoded', async (t) => {
    const flash = await openStream(t, api, { deviceId: 'mine', name: 'spark/flash', auth: token });
    const all = await openStream(t, api, { deviceId: 'mine', auth: token });
    a.emit('cloudEvent', 'spark/device/last_reset', 'user', 60);
    a.emit('cloudEvent', 'spark/flash/status', 'started ', 60);
    b.emit('cloudEvent', 'spark/flashy', 'x', 60);
    a.emit('cloudEvent', 'app/done', '1', 60);
    // Streams are separate connections: wait for each before comparing.
    await all.waitFor((e) => e.some((x) => x.name === 'app/done'), 'app/done');
    await flash.waitFor((e) => e.length >= 2, 'the two spark/flash events');
    t.same(flash.events.map((e) => [e.name, e.data, e.coreid]), [
      ['spark/flash/status', 'started ', A],
      ['spark/flashy', 'x', B],
    ], 'a prefix matches by string start, like the real API');
    t.equal(all.events.length, 4);
  });

  t.test('a device stream carries only that device, by ID or by name', async (t) => {
    const onlyB = await openStream(t, api, { deviceId: B, auth: token });
    const byName = await openStream(t, api, { deviceId: 'b', name: 'app', auth: token });
    a.emit('cloudEvent', 'app/x', 'from a', 60);
    b.emit('cloudEvent', 'app/x', 'from b', 60);
    b.emit('cloudEvent', 'other', 'from b', 60);
    await onlyB.waitFor((e) => e.length === 2, 'both events of b');
    await byName.waitFor((e) => e.length === 1, 'the app event of b');
    t.same(onlyB.events.map((e) => e.coreid), [B, B]);
    t.same(byName.events.map((e) => e.data), ['from b']);
    const unknown = await api.getEventStream({ deviceId: 'cccccccccccccccccccccccc', auth: token }).then(
      () => undefined,
      (e: { statusCode: number }) => e,
    );
    t.equal(unknown?.statusCode, 403, 'an unknown device has no stream');
  });

  t.test('the cloud publishes spark/status when a board\'s session goes down and up', async (t) => {
    const status = await openStream(t, api, { deviceId: A, name: 'spark/status', auth: token });
    a.setOnline(false);
    a.setOnline(true);
    await status.waitFor((e) => e.length === 2, 'offline and online');
    t.same(status.events.map((e) => [e.data, e.ttl]), [['offline', 60], ['online', 60]]);
  });

  t.test('many concurrent streams each receive every event, and are released when they close', async (t) => {
    const n = 40;
    const streams = await Promise.all(Array.from({ length: n }, () => openStream(t, api, { deviceId: 'mine', name: 'burst', auth: token })));
    t.equal(cloud.streamCount, n);
    for (let i = 0; i < 20; i++) b.emit('cloudEvent', 'burst', String(i), 60);
    await Promise.all(streams.map((s) => s.waitFor((e) => e.length === 20, 'the burst')));
    for (const s of streams) t.same(s.events.map((e) => e.data), Array.from({ length: 20 }, (_, i) => String(i)));
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
  const a = new StandInBoard('a', A, 'photon');
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
