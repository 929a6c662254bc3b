import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { online, startBoard } from './fixtures/board.js';

// The user part needs system part 1 version 1600; the board runs 1.5.2 (1512).
const needsNewer = makeTestApp({ platform: 'photon', depends: [{ func: 'system-part', index: 1, version: 1600 }] });

t.test('a user part whose dependency is not met boots into safe mode', async (t) => {
  const { board, rec } = startBoard(t, { app: needsNewer });
  await rec.untilEvent('spark/status/safe-mode');
  t.equal(board.mode, 'safe');
  t.equal(board.led, 'breathing-magenta');
  t.equal(board.runningAppHash(), undefined, 'the app does not run');
  const user = board.slots().find((s) => s.func === 'u' && s.location === 'm');
  t.equal(user?.module?.vc, 30, 'vc 30: integrity, dependencies, range, platform checked');
  t.equal(user?.module?.vv, 26, 'vv 26: everything but the dependency bit (4) passed');
  t.match(board.bootDecision.reasons.join(), /needs system part 1 version 1600, board has 1512/);
  t.ok(rec.lines().some((l) => /\[system\] WARN: Safe mode: .*1600/.test(l)), 'the trace says why');

  const ev = rec.log.find((r) => r.t === 'event' && r.name === 'spark/status/safe-mode');
  const data = JSON.parse(ev?.t === 'event' ? ev.data : '{}') as { f: unknown[]; v: object; p: number; m: Record<string, unknown>[] };
  t.same(data.f, []);
  t.same(data.v, {});
  t.equal(data.p, 6, 'p is the platform id');
  t.match(data.m.find((m) => m.f === 'u'), { vc: 30, vv: 26, d: [{ f: 's', n: '1', v: 1600 }] }, 'module JSON as for `s`');
});

t.test('a reset does not leave safe mode while the dependency is unmet', async (t) => {
  const { board, rec } = startBoard(t, { app: needsNewer });
  await rec.untilEvent('spark/status/safe-mode');
  const m = rec.mark();
  board.reset('user');
  await rec.untilEvent('spark/status/safe-mode', undefined, m);
  t.equal(board.mode, 'safe');
});

t.test('safe mode still accepts OTA; a compatible app brings the board back to normal', async (t) => {
  const { board, rec } = startBoard(t, { app: needsNewer });
  await rec.untilEvent('spark/status/safe-mode');
  const fixed = makeTestApp({ platform: 'photon', version: 2 });
  const m = rec.mark();
  t.same(board.startOta(fixed), { accepted: true });
  await rec.untilEvent('spark/device/app-hash', undefined, m);
  t.equal(board.mode, 'normal');
  t.ok(rec.eventsSince(m).includes('spark/device/last_reset=update'));
});

t.test('a user part built for another platform is not run: safe mode', async (t) => {
  const { board, rec } = startBoard(t, { app: makeTestApp({ platform: 'argon' }) });
  await online(rec);
  t.equal(board.mode, 'safe');
  const user = board.slots().find((s) => s.func === 'u' && s.location === 'm');
  t.equal((user?.module?.vv ?? 0) & 16, 0, 'platform bit not passed');
});
