// Durations, bandwidths, percentages and sizes: what they accept and what
// they refuse (a duration without a unit above all).
import t from 'tap';
import { formatDuration, parseDuration, Duration } from '../../src/plan/duration.js';
import { Bandwidth, parseBandwidth, parsePercent, parseSize, Percent, Size } from '../../src/plan/quantities.js';
import { parseVersionCheck, versionSatisfies } from '../../src/plan/steps-modules.js';
import { parseDepends } from '../../src/plan/firmware-schema.js';
import { editDistance, suggest } from '../../src/yaml/describe.js';

t.test('durations are board milliseconds', async (t) => {
  const cases: [string, number][] = [
    ['500ms', 500], ['30s', 30_000], ['2m', 120_000], ['1h', 3_600_000], ['1h30m', 5_400_000],
    ['1m30s', 90_000], ['1.5s', 1500], ['2m500ms', 120_500], ['0s', 0],
  ];
  for (const [text, ms] of cases) t.equal(parseDuration(text), ms, text);
  for (const bad of ['', '30', 'two minutes', '30 s', '1m1h', 's', '1d', '-5s', '1ms30s']) t.equal(parseDuration(bad), undefined, `'${bad}' is refused`);
  t.equal(formatDuration(5_400_000), '1h30m');
  t.equal(formatDuration(120_500), '2m500ms');
  t.equal(formatDuration(0), '0s');
});

t.test('the Duration schema refuses numbers with the fix', async (t) => {
  const r = Duration.safeParse(30);
  t.notOk(r.success);
  t.equal(r.error?.issues[0]?.message, '30 is not a duration like 30s or 2m\na bare number has no unit; write 30s, or 30ms for milliseconds');
  t.equal(Duration.parse('2m'), 120_000);
});

t.test('bandwidths are bits per second', async (t) => {
  t.equal(parseBandwidth('2kbps'), 2000);
  t.equal(parseBandwidth('1Mbps'), 1_000_000);
  t.equal(parseBandwidth('1.5 Mbps'), 1_500_000);
  t.equal(parseBandwidth('300bps'), 300);
  t.equal(parseBandwidth('2 kbit'), undefined);
  t.equal(Bandwidth.parse('64kbps'), 64_000);
});

t.test('percentages are written 40% or 40, within 0..100', async (t) => {
  t.equal(parsePercent('40%'), 40);
  t.equal(Percent.parse('12.5%'), 12.5);
  t.equal(Percent.parse(40), 40);
  t.notOk(Percent.safeParse('140%').success, 'over 100');
  t.notOk(Percent.safeParse('forty').success);
});

t.test('sizes are bytes, with binary prefixes', async (t) => {
  t.equal(parseSize('64KB'), 65_536);
  t.equal(parseSize('2MB'), 2_097_152);
  t.equal(Size.parse(4096), 4096);
  t.notOk(Size.safeParse('2 parsecs').success);
});

t.test('module version checks', async (t) => {
  t.same(parseVersionCheck('>=1406'), { op: '>=', value: 1406 });
  t.same(parseVersionCheck('1406'), { op: '=', value: 1406 });
  t.same(parseVersionCheck('== 7'), { op: '=', value: 7 });
  t.equal(parseVersionCheck('about 7'), undefined);
  t.ok(versionSatisfies({ op: '>=', value: 1406 }, 1512));
  t.notOk(versionSatisfies({ op: '<', value: 1000 }, 1000));
});

t.test('system dependencies of a made test app', async (t) => {
  t.same(parseDepends('system@1406'), { index: undefined, version: 1406 });
  t.same(parseDepends('system-part2@1406'), { index: 2, version: 1406 });
  t.equal(parseDepends('bootloader@1'), undefined);
});

t.test('suggestions catch typos, not strangers', async (t) => {
  t.equal(editDistance('flahs', 'flash'), 1, 'a swap is one edit');
  t.equal(suggest('flahs', ['flash', 'mode']), 'flash');
  t.equal(suggest('expect-lgo', ['expect-log', 'expect-app']), 'expect-log');
  t.equal(suggest('banana', ['flash', 'mode']), undefined);
});
