// diagnose() is a pure function of evidence: each rule is shown the evidence
// of a real field failure (particle-facts §7-§9, the seeds), and healthy
// evidence must get no diagnosis at all.
import t from 'tap';
import type { BoardModule } from '../../src/core/board-contract.js';
import { diagnose, type Evidence } from '../../src/steps/judging/diagnose.js';

const OLD = 'a1b2c3d4'.repeat(8);
const NEW = 'f0e1d2c3'.repeat(8);

const healthyOta = [
  { name: 'spark/flash/status', data: 'started ' },
  { name: 'spark/flash/status', data: 'success ' },
  { name: 'spark/status', data: 'offline' },
  { name: 'spark/status', data: 'online' },
  { name: 'spark/device/last_reset', data: 'update' },
  { name: 'spark/device/app-hash', data: NEW.toUpperCase() },
];

function ota(over: Partial<Evidence> = {}): Evidence {
  return {
    flash: { via: 'ota', firmware: 'candidate', appBefore: OLD },
    events: healthyOta, trace: ['0000516469 [comm] TRACE: update done - all done!'], resetReason: 'update',
    expectedApp: NEW, runningApp: { hash: NEW }, mode: 'normal', ...over,
  };
}

function mod(func: BoardModule['func'], index: number, version: number, over: Partial<BoardModule> = {}): BoardModule {
  return {
    func, index, version, location: 'main', maxSize: 1, hash: undefined,
    checks: { integrity: true, dependencies: true, range: true, platform: true }, dependencies: [], ...over,
  };
}

const unmetTable = [
  mod('bootloader', 0, 201),
  mod('system-part', 1, 1104),
  mod('system-part', 2, 1104),
  mod('user-part', 1, 6, { checks: { integrity: true, dependencies: false, range: true, platform: true }, dependencies: [{ func: 'system-part', index: 2, version: 1406 }] }),
];

t.test('healthy evidence gets no diagnosis', async (t) => {
  t.equal(diagnose(ota()), undefined, 'a complete, applied OTA update');
  t.equal(diagnose({ flash: { via: 'dfu', firmware: 'baseline', appBefore: OLD }, trace: [], expectedApp: NEW, runningApp: { hash: NEW }, mode: 'normal' }), undefined, 'an applied DFU flash');
  t.equal(diagnose({ trace: [] }), undefined, 'no evidence at all');
  t.equal(diagnose(ota({ modules: unmetTable.slice(0, 3) })), undefined, 'modules that pass every check, board in normal mode');
  t.equal(diagnose(ota({ trace: ['0000001000 [app] INFO: PANIC is a word in my app'] })), undefined, 'a PANIC that is not a PANIC level line');
});

t.test('OTA reported success but the old app still runs', async (t) => {
  const d = diagnose(ota({ runningApp: { hash: OLD }, events: [...healthyOta.slice(0, 5), { name: 'spark/device/app-hash', data: OLD.toUpperCase() }] }));
  t.equal(d?.text, 'OTA reported success but the running app is still a1b2c3d4: the update was not applied');
  t.match(d?.basis, [/spark\/flash\/status = "success "/, `running app ${OLD}`, `expected app ${NEW}`, /last_reset = "update"/]);
  const unknownBefore = diagnose(ota({ flash: { via: 'ota', firmware: 'candidate' }, runningApp: { hash: OLD } }));
  t.match(unknownBefore?.text, /is still a1b2c3d4/, 'without the app from before, the running one is the old one');
  const third = diagnose(ota({ runningApp: { hash: 'c'.repeat(64) } }));
  t.equal(third?.text, 'OTA reported success but the running app is cccccccc: the update was not applied', 'a third app is not "still"');
});

t.test('update_timeout after a stalled transfer', async (t) => {
  const trace = [
    '0000729694 [comm] TRACE: update done - missing chunks starting at 75',
    '0000798675 [comm] WARN: handle received message failed - aborting transfer',
    '0000799675 [comm] WARN: handle received message failed - aborting transfer',
    '0000829694 [comm] WARN: update timed out at chunk 75 of 90',
  ];
  const events = [
    { name: 'spark/flash/status', data: 'started ' }, { name: 'spark/flash/status', data: 'failed' },
    { name: 'spark/device/last_reset', data: 'update_timeout' },
  ];
  const d = diagnose(ota({ events, trace, resetReason: 'update_timeout', runningApp: { hash: OLD } }));
  t.equal(d?.text, 'update_timeout: the transfer stalled at chunk 75 of 90 and the board reset without applying the update; '
    + 'the board aborted the transfer 2 times ("handle received message failed"); the running app is still a1b2c3d4');
  t.match(d?.basis, [/last_reset = "update_timeout"/, /chunk 75 of 90/, /aborting transfer/, `running app ${OLD}`]);
  const onlyMissing = diagnose({ trace: [trace[0]!], resetReason: 'update_timeout' });
  t.equal(onlyMissing?.text, 'update_timeout: the transfer stalled at chunk 75 and the board reset without applying the update',
    'a board that printed only the missing-chunks line');
  t.equal(diagnose({ trace: [], events: [{ name: 'spark/device/last_reset', data: 'update_timeout' }] })?.text,
    'update_timeout: the transfer stalled and the board reset without applying the update', 'the event alone is enough');
});

t.test('safe mode from a module dependency', async (t) => {
  const d = diagnose({ trace: [], mode: 'safe', modules: unmetTable });
  t.equal(d?.text, 'board entered safe mode: user part needs system part 2 version 1406, board has 1104');
  t.same(d?.basis, ['board mode: safe', 'module table read from the board']);
  const json = JSON.stringify({
    f: [], v: {}, p: 6, m: [
      { s: 16384, l: 'm', vc: 30, vv: 30, f: 'b', n: '0', v: 201, d: [] },
      { s: 262144, l: 'm', vc: 30, vv: 30, f: 's', n: '1', v: 1104, d: [] },
      { s: 131072, l: 'm', vc: 30, vv: 26, u: NEW.toUpperCase(), f: 'u', n: '1', v: 6, d: [{ f: 's', n: '1', v: 1406 }] },
      { s: 131072, l: 'f', vc: 0, vv: 0, d: [] },
    ],
  });
  const fromEvent = diagnose({ trace: [], events: [{ name: 'spark/status/safe-mode', data: json }] });
  t.equal(fromEvent?.text, 'board entered safe mode: user part needs system part 1 version 1406, board has 1104',
    'the module JSON of spark/status/safe-mode, when the board was not asked');
  t.equal(diagnose({ trace: [], mode: 'normal', events: [{ name: 'spark/status/safe-mode', data: json }] }), undefined,
    'a board seen in normal mode is not diagnosed from an old safe-mode event');
  const missing = [mod('system-part', 1, 1104), mod('user-part', 1, 6, { checks: { integrity: true, dependencies: false, range: true, platform: true }, dependencies: [{ func: 'systemPart', index: 2, version: 1406 }] })];
  t.equal(diagnose({ trace: [], mode: 'safe', modules: missing })?.text, 'board entered safe mode: user part needs system part 2 version 1406, board has none');
  const crc = [mod('system-part', 1, 1104), mod('user-part', 1, 6, { checks: { integrity: false, dependencies: true, range: true, platform: true } })];
  t.equal(diagnose({ trace: [], mode: 'safe', modules: crc })?.text, 'board entered safe mode: user part fails its integrity check (CRC)');
  t.equal(diagnose({ trace: [], mode: 'safe', modules: [mod('system-part', 1, 1104)] })?.text, 'board is in safe mode: it has no user part');
  t.match(diagnose({ trace: [], mode: 'safe', modules: unmetTable.slice(0, 3).concat(mod('user-part', 1, 6)) })?.text, /requested/);
  t.equal(diagnose({ trace: [], mode: 'safe' })?.text, 'board is in safe mode; its modules could not be read to say why');
});

t.test('updates held back, failed, never started, never finished', async (t) => {
  const held = diagnose(ota({ events: [{ name: 'particle/device/updates/pending', data: 'true' }], runningApp: { hash: OLD } }));
  t.match(held?.text, /disabled updates .*pending/);
  const released = [{ name: 'particle/device/updates/pending', data: 'true' }, { name: 'particle/device/updates/pending', data: 'false' }, ...healthyOta];
  t.equal(diagnose(ota({ events: released })), undefined, 'a pending update that then went ahead');
  const refused = diagnose(ota({
    events: [{ name: 'spark/flash/status', data: 'started ' }, { name: 'spark/flash/status', data: 'failed' }],
    trace: ['0000001000 [comm.ota] ERROR: Validation failed: 16'], runningApp: { hash: OLD },
  }));
  t.equal(refused?.text, 'OTA reported failed: the board refused the image (Validation failed: 16)');
  t.equal(diagnose(ota({ events: [{ name: 'spark/device/ota_result', data: '{"r":"error"}' }], trace: [] }))?.text, 'OTA reported failed',
    'Device OS before 0.7 reports with spark/device/ota_result');
  t.match(diagnose(ota({ events: [], trace: [], runningApp: { hash: OLD } }))?.text, /never started the update/);
  const unfinished = diagnose(ota({
    events: [{ name: 'spark/flash/status', data: 'started ' }], runningApp: { hash: OLD },
    trace: ['0000729694 [comm] TRACE: update done - missing chunks starting at 12', '0000798675 [comm] WARN: handle received message failed - aborting transfer'],
  }));
  t.equal(unfinished?.text, 'the OTA started but never finished: neither success nor failed was reported; '
    + 'the last round still missed chunks from 12 on; the board aborted the transfer once ("handle received message failed")');
  t.equal(diagnose(ota({ events: undefined, runningApp: { hash: OLD } }))?.text, undefined, 'no cloud on the bench: no event evidence to judge');
});

t.test('panic and wired flashes', async (t) => {
  const panicked = diagnose({ trace: ['0000000100 [system] PANIC: HardFault'], mode: 'normal' });
  t.equal(panicked?.text, 'the board panicked ([system] PANIC: HardFault) and reset');
  t.equal(diagnose({ trace: [], resetReason: 'panic, hard_fault' })?.text, 'the board panicked and reset');
  const dfu = { via: 'dfu' as const, firmware: 'baseline', appBefore: OLD };
  t.equal(diagnose({ flash: dfu, trace: [], expectedApp: NEW, runningApp: { hash: OLD } })?.text,
    'the running app is still a1b2c3d4 from before the dfu flash: the new image did not take effect');
  t.equal(diagnose({ flash: dfu, trace: [], expectedApp: NEW, runningApp: { hash: undefined } })?.text, 'no valid app runs after the dfu flash of baseline');
  t.equal(diagnose({ flash: dfu, trace: [], expectedApp: NEW, runningApp: { hash: 'c'.repeat(64) } }), undefined,
    'a third app after a wired flash: no evidence of why, so no made-up cause');
});

t.test('every cause the evidence holds, each told once', async (t) => {
  const stalled = {
    events: [{ name: 'spark/flash/status', data: 'started ' }, { name: 'spark/flash/status', data: 'failed' }, { name: 'spark/device/last_reset', data: 'update_timeout' }],
    trace: ['0000829694 [comm] WARN: update timed out at chunk 75 of 90', '0000829700 [fs] ERROR: write failed: no space left on the file system'],
    resetReason: 'update_timeout', runningApp: { hash: OLD },
  };
  const d = diagnose(ota(stalled));
  t.equal(d?.text, 'update_timeout: the transfer stalled at chunk 75 of 90 and the board reset without applying the update; the running app is still a1b2c3d4; '
    + 'the flash file system is full, so the downloaded image was never applied', 'a stall and a full file system: both');
  t.same(d?.causes, ['stall', 'ota-failed', 'ota-unfinished', 'file-system'], 'the failed report and the unfinished transfer are the stall\'s, not causes of their own');
  const lost = diagnose(ota({ ...stalled, trace: [...stalled.trace, '0000798675 [comm] WARN: handle received message failed - aborting transfer'] }));
  t.equal(lost?.text.match(/aborted the transfer/g)?.length, 1, 'the aborts the stall quotes are not told again as the link\'s');
  t.match(lost?.causes, ['stall', 'ota-failed', 'ota-unfinished', 'link', 'file-system']);
  const offline = diagnose(ota({
    events: [{ name: 'spark/flash/status', data: 'started ' }, { name: 'spark/status', data: 'offline' }, { name: 'spark/flash/status', data: 'failed' }],
    trace: [], runningApp: { hash: OLD },
  }));
  t.equal(offline?.text, 'OTA reported failed; the board lost its cloud connection during the transfer', 'a failure and the link that lost the board');
  const safeAndLink = diagnose({ trace: ['0000729694 [comm] TRACE: update done - missing chunks starting at 12'], mode: 'safe', modules: unmetTable });
  t.equal(safeAndLink?.text, 'board entered safe mode: user part needs system part 2 version 1406, board has 1104; the last round still missed chunks from 12 on');
});

t.test('a refusal in the board\'s or the cloud\'s own words', async (t) => {
  const serial = { via: 'serial' as const, firmware: 'candidate', refused: true };
  t.equal(diagnose({ trace: [], flash: { ...serial, messages: ['Serial/YModem flashing is no longer supported'] } })?.text,
    'the board refused serial flashing: Device OS 6.0 and later no longer accept YMODEM ("Serial/YModem flashing is no longer supported"); DFU, USB and OTA still work');
  t.equal(diagnose({ trace: [], flash: { ...serial, messages: ['The file size is higher than the allowed space memory!'] } })?.text,
    'the board refused candidate (serial): the image is larger than its slot ("The file size is higher than the allowed space memory!")');
  t.equal(diagnose({ trace: [], flash: { ...serial, messages: ['Aborted by user.'] } })?.text, 'the board refused candidate (serial): "Aborted by user."', 'words no rule explains are quoted');
  t.equal(diagnose({ trace: [], events: [], flash: { via: 'ota', firmware: 'candidate', refused: true, messages: ['cloud: HTTP 404: Device is not connected'] } })?.text,
    'the cloud never started the update: no spark/flash/status event since the flash; the cloud refused candidate (ota): "cloud: HTTP 404: Device is not connected"');
  t.equal(diagnose({ trace: [], flash: { ...serial, refused: false, messages: ['Downloaded file successfully!'] } }), undefined, 'negative: words of a flash that went through');
});

t.test('causes the step established are named first; a caller may bring its own rules', async (t) => {
  const fault = { names: ['fault' as const], text: 'the power cut armed at 40% of the OTA fired at 41%', basis: ['bench: power-cut fired at 41% (4100 of 10000 bytes)'] };
  const d = diagnose(ota({ events: [{ name: 'spark/flash/status', data: 'started ' }], trace: [], runningApp: { hash: OLD }, known: [fault] }));
  t.equal(d?.text, 'the power cut armed at 40% of the OTA fired at 41%; the OTA started but never finished: neither success nor failed was reported');
  t.equal(d?.basis[0], 'bench: power-cut fired at 41% (4100 of 10000 bytes)', 'its evidence first');
  t.same(d?.causes, ['fault', 'ota-unfinished']);
  t.equal(diagnose({ trace: [], known: [fault] })?.text, fault.text, 'a known cause alone is a diagnosis');
  const mine = diagnose({ trace: ['0000000100 [app] INFO: brownout'] }, [(e) => (e.trace.some((l) => l.includes('brownout')) ? { names: ['fault'], text: 'a brownout', basis: [] } : undefined)]);
  t.equal(mine?.text, 'a brownout');
});
