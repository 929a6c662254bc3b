import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { online, startBoard } from './fixtures/board.js';

const sha = (image: Buffer) => makeShaUpper(image);
function makeShaUpper(image: Buffer): string {
  return image.subarray(image.length - 38, image.length - 6).toString('hex').toUpperCase();
}

t.test('a valid image: the real event sequence, then the new app runs', async (t) => {
  const { board, rec } = startBoard(t, { network: { bandwidth: 4000 } });
  await online(rec);
  const old = board.runningAppHash();
  const image = makeTestApp({ platform: 'photon', version: 2, size: 20_000 });
  const m = rec.mark();
  t.same(board.startOta(image), { accepted: true });
  t.same(board.startOta(image), { accepted: false, reason: 'busy' }, 'one update at a time');
  t.equal(board.led, 'blinking-magenta', 'blinking magenta during the download');
  await rec.untilEvent('spark/device/app-hash', undefined, m);
  t.same(rec.eventsSince(m), [
    'spark/flash/status=started ',
    'spark/flash/status=success ',
    'spark/status=offline',
    'spark/status=online',
    'spark/device/last_reset=update',
    `spark/device/app-hash=${sha(image)}`,
  ]);
  t.not(board.runningAppHash(), old);
  t.equal(board.runningAppHash(), image.subarray(image.length - 38, image.length - 6).toString('hex'));
  const progress = rec.log.slice(m).filter((r) => r.t === 'ota');
  t.ok(progress.length > 1, 'otaProgress reported along the way');
  t.match(progress.at(-1), { received: 40, total: 40 }, '20000 bytes = 40 chunks of 512');
  t.ok(rec.linesSince(m).some((l) => /\[comm\] TRACE: update done - all done!$/.test(l)));
  board.enterMode('listening');
  t.same(board.startOta(image), { accepted: false, reason: 'offline' }, 'refused without a cloud session');
});

t.test('a lossy link: missing chunks are listed and resent, the update still lands', async (t) => {
  const { board, rec } = startBoard(t, { network: { loss: 0.2 } });
  await online(rec);
  const image = makeTestApp({ platform: 'photon', version: 3, size: 40_000 });
  const m = rec.mark();
  board.startOta(image);
  await rec.untilEvent('spark/device/app-hash', sha(image), m);
  const lines = rec.linesSince(m);
  t.ok(lines.some((l) => /\[comm\] TRACE: update done - missing chunks starting at \d+$/.test(l)), 'missing chunks reported');
  t.ok(lines.some((l) => /\[comm\] TRACE: Sent \d+ missing chunks$/.test(l)));
  t.ok(lines.some((l) => /update done - all done!$/.test(l)), 'until all are in');
});

t.test('an app blocking setup() without SYSTEM_THREAD starves the cloud: update_timeout, old app', async (t) => {
  const blocking = makeTestApp({ platform: 'photon', behaviour: { blocksCloudInSetup: true } });
  const { board, rec } = startBoard(t, { app: blocking, scale: 1000 });
  await rec.untilEvent('spark/device/app-hash');
  const old = board.runningAppHash();
  const image = makeTestApp({ platform: 'photon', version: 2 });
  const m = rec.mark();
  const started = board.clock.now();
  t.same(board.startOta(image), { accepted: true }, 'the cloud starts the update');
  await rec.untilEvent('spark/device/last_reset', undefined, m);
  const waited = board.clock.now() - started;
  t.ok(waited >= 30_000, `the board gave up after ${Math.round(waited)} board ms (30 s Wi-Fi stall timeout)`);
  t.same(rec.eventsSince(m).slice(0, 5), ['spark/flash/status=started ', 'spark/flash/status=failed', 'spark/status=offline',
    'spark/status=online', 'spark/device/last_reset=update_timeout']);
  await rec.untilEvent('spark/device/app-hash', undefined, m);
  t.equal(board.runningAppHash(), old, 'the old app runs');
  t.same(rec.log.slice(m).filter((r) => r.t === 'ota'), [], 'no chunk was ever processed');
});

t.test('the same app with SYSTEM_THREAD(ENABLED) still takes the update', async (t) => {
  const threaded = makeTestApp({ platform: 'photon', behaviour: { blocksCloudInSetup: true, systemThread: true } });
  const { board, rec } = startBoard(t, { app: threaded });
  await rec.untilEvent('spark/device/app-hash');
  const image = makeTestApp({ platform: 'photon', version: 2 });
  const m = rec.mark();
  board.startOta(image);
  await rec.untilEvent('spark/device/app-hash', sha(image), m);
  t.ok(rec.eventsSince(m).includes('spark/device/last_reset=update'));
});

t.test('a link that dies mid-transfer on old Device OS: aborts, ota_result, update_timeout (seed 004)', async (t) => {
  const { board, rec } = startBoard(t, { platform: 'electron', deviceOs: '0.6.4', scale: 2000,
    app: makeTestApp({ platform: 'electron', depends: [{ func: 'system-part', index: 2, version: 110 }] }) });
  await rec.untilEvent('spark/device/app-hash');
  const old = board.runningAppHash();
  const image = makeTestApp({ platform: 'electron', version: 5, size: 45_000, depends: [{ func: 'system-part', index: 2, version: 110 }] });
  const m = rec.mark();
  // The link dies at 40% of the download (listeners run synchronously, at that chunk).
  board.on('otaProgress', (p) => {
    if (p.chunksReceived === 36) board.faults.setLink({ loss: 1 });
  });
  board.startOta(image);
  await rec.untilEvent('spark/device/last_reset', 'update_timeout', m, 10_000);
  const lines = rec.linesSince(m);
  t.ok(lines.some((l) => /update done - missing chunks starting at \d+$/.test(l)));
  const aborts = lines.filter((l) => /\[comm\] WARN: handle received message failed - aborting transfer$/.test(l));
  t.ok(aborts.length >= 2, `abort reported repeatedly (${aborts.length} times)`);
  t.ok(rec.eventsSince(m).includes('spark/device/ota_result={"r":"error"}'), 'Device OS < 0.7 publishes ota_result');
  board.faults.setLink({ loss: 0 });
  await rec.untilEvent('spark/device/app-hash', undefined, m, 10_000);
  t.equal(board.runningAppHash(), old, 'the old app runs');
});

t.test('updates disabled by the app: the cloud holds the update as pending until allowed', async (t) => {
  const app = makeTestApp({ platform: 'photon', behaviour: { disablesUpdates: true } });
  const { board, rec } = startBoard(t, { app });
  await rec.untilEvent('spark/device/app-hash');
  const image = makeTestApp({ platform: 'photon', version: 2 });
  const m = rec.mark();
  t.same(board.startOta(image), { accepted: false, reason: 'updates-disabled' });
  t.equal(board.updatesPending, true);
  t.same(rec.eventsSince(m), ['particle/device/updates/pending=true']);
  board.allowUpdates();
  await rec.untilEvent('spark/device/app-hash', sha(image), m);
  t.equal(board.updatesPending, false);
});

t.test('a full file system: success is published, the board reboots into the old app (seed 001)', async (t) => {
  const { board, rec } = startBoard(t, { platform: 'argon', fs: { usedPercent: 100 } });
  await rec.untilEvent('spark/device/app-hash');
  const old = board.runningAppHash();
  const image = makeTestApp({ platform: 'argon', version: 2 });
  const m = rec.mark();
  board.startOta(image);
  await rec.untilEvent('spark/device/app-hash', undefined, m);
  t.same(rec.eventsSince(m).slice(0, 5), ['spark/flash/status=started ', 'spark/flash/status=success ', 'spark/status=offline',
    'spark/status=online', 'spark/device/last_reset=update']);
  t.equal(board.runningAppHash(), old, 'the old app runs although success was reported');
});

t.test('an app that fills the file system makes the next update fail to apply', async (t) => {
  const app = makeTestApp({ platform: 'argon', behaviour: { fillsFs: 100 } });
  const { board, rec } = startBoard(t, { platform: 'argon', app });
  await rec.untilEvent('spark/device/app-hash');
  t.equal(board.fs.usedPercent, 100);
  const m = rec.mark();
  board.startOta(makeTestApp({ platform: 'argon', version: 2 }));
  await rec.untilEvent('spark/device/app-hash', undefined, m);
  t.equal(board.runningAppHash(), app.subarray(app.length - 38, app.length - 6).toString('hex'));
});

t.test('an image with a bad CRC or for another platform: failed, no reset, old app', async (t) => {
  const { board, rec } = startBoard(t);
  await online(rec);
  const old = board.runningAppHash();
  const bad = makeTestApp({ platform: 'photon', version: 2 });
  bad.writeUInt8(bad.readUInt8(100) ^ 0xff, 100);
  for (const image of [bad, makeTestApp({ platform: 'p1' })]) {
    const m = rec.mark();
    board.startOta(image);
    await rec.untilEvent('spark/flash/status', 'failed', m);
    t.same(rec.eventsSince(m), ['spark/flash/status=started ', 'spark/flash/status=failed']);
    t.ok(rec.linesSince(m).some((l) => /\[comm\.ota\] ERROR: Validation failed: \d+$/.test(l)));
    t.equal(board.runningAppHash(), old);
    t.equal(board.led, 'breathing-cyan');
  }
});

t.test('Device OS 3.0+: UpdateStart / UpdateFinish with comm.ota lines', async (t) => {
  const { board, rec } = startBoard(t, { platform: 'argon', deviceOs: '3.1.0', network: { loss: 0.1 } });
  await online(rec);
  const image = makeTestApp({ platform: 'argon', version: 7, size: 9965 });
  const m = rec.mark();
  board.startOta(image);
  await rec.untilEvent('spark/device/app-hash', sha(image), m);
  const lines = rec.linesSince(m);
  t.ok(lines.some((l) => / \[comm\.ota\] INFO: Received UpdateStart request$/.test(l)));
  t.ok(lines.some((l) => / \[comm\.ota\] INFO: File size: 9965$/.test(l)));
  t.ok(lines.some((l) => / \[comm\.ota\] INFO: Received UpdateFinish request$/.test(l)));
  t.notOk(lines.some((l) => /update done/.test(l)), 'no fast-OTA lines on 3.0+');
});

t.test('updates disabled until the app\'s function is called (seed 001): the call lets one boot take the update', async (t) => {
  const app = makeTestApp({ platform: 'argon', behaviour: { disablesUpdates: true, updateFunction: 'allowUpdate' } });
  const { board, rec } = startBoard(t, { platform: 'argon', app });
  await rec.untilEvent('spark/device/app-hash');
  t.same(board.cloudFunctions(), ['allowUpdate'], 'setup() registered the function');
  t.ok(rec.lines().some((l) => l.endsWith('[app] INFO: System.disableUpdates(): updates wait for allowUpdate()')));
  const image = makeTestApp({ platform: 'argon', version: 2 });
  const m = rec.mark();
  t.same(board.startOta(image), { accepted: false, reason: 'updates-disabled' }, 'held');
  t.same(board.callFunction('nope', ''), { ok: false, reason: 'unknown' }, 'an unknown function is refused');
  t.same(board.callFunction('allowUpdate', 'now'), { ok: true, returnValue: 1 });
  t.ok(board.fs.appFlags.has('update-allowed'), 'the flag is in the config file');
  await rec.untilEvent('spark/device/app-hash', sha(image), m);
  t.same(rec.eventsSince(m).filter((e) => !e.startsWith('spark/status=')), [
    'particle/device/updates/pending=true',
    `spark/device/last_reset=user`,
    `spark/device/app-hash=${sha(app)}`,
    'particle/device/updates/pending=false',
    'spark/flash/status=started ',
    'spark/flash/status=success ',
    'spark/device/last_reset=update',
    `spark/device/app-hash=${sha(image)}`,
  ], 'System.reset(), then the boot that found the flag took the update');
  const lines = rec.linesSince(m);
  t.ok(lines.some((l) => l.endsWith('[app] INFO: allowUpdate("now"): update allowed, resetting')));
  t.ok(lines.some((l) => l.endsWith('[app] INFO: update allowed: updates stay enabled this boot; flag cleared')));
  t.equal(board.fs.appFlags.has('update-allowed'), false, 'the flag was cleared');
  t.same(board.cloudFunctions(), [], 'the new app registers no function');
});

t.test('until called: the boot after the allowed one holds updates again', async (t) => {
  const app = makeTestApp({ platform: 'argon', behaviour: { disablesUpdates: true, updateFunction: 'allowUpdate' } });
  const { board, rec } = startBoard(t, { platform: 'argon', app });
  await rec.untilEvent('spark/device/app-hash');
  let m = rec.mark();
  board.callFunction('allowUpdate', '');
  await rec.untilEvent('spark/device/last_reset', 'user', m);
  await rec.untilEvent('spark/device/app-hash', undefined, m);
  m = rec.mark();
  board.reset('pin_reset');
  await rec.untilEvent('spark/device/app-hash', undefined, m);
  t.same(board.startOta(makeTestApp({ platform: 'argon', version: 3 })), { accepted: false, reason: 'updates-disabled' });
});
