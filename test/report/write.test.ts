import t from 'tap';
import { mkdir, open, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceId } from '../../src/core/domain.js';
import { InfraError } from '../../src/core/errors.js';
import type { RunReport } from '../../src/report/model.js';
import { formatJson } from '../../src/report/json.js';
import { formatJunit } from '../../src/report/junit.js';
import { formatTap } from '../../src/report/tap.js';
import { writeReports } from '../../src/report/write.js';

const report: RunReport = {
  runId: 'r-9', startedAt: '2024-05-01T22:00:00.000Z', endedAt: '2024-05-01T22:00:02.000Z', rigVersion: '0.1.0',
  bench: 'sim', host: 'bench-host', plans: [{ name: 'smoke', file: 'plans/smoke.yaml' }],
  boards: [{ name: 'argon-1', platform: 'argon', id: 'e00fce68f2a3b5c1d9e04a11' as DeviceId, plan: 'smoke', status: 'pass', durationMs: 2000, artifacts: {}, steps: [{ status: 'pass', name: 'flash', durationMs: 5 }] }],
};

const temps = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.tmp'));

t.test('writes report.tap, report.xml and report.json into the run folder, and copies', async (t) => {
  const root = t.testdir({ run: {} });
  const written = await writeReports(report, { dir: join(root, 'run'), tap: join(root, 'ci/out.tap'), json: join(root, 'run/report.json') });
  t.same(written, [
    { kind: 'tap', path: join(root, 'run/report.tap') },
    { kind: 'junit', path: join(root, 'run/report.xml') },
    { kind: 'json', path: join(root, 'run/report.json') },
    { kind: 'html', path: join(root, 'run/index.html') },
    { kind: 'tap', path: join(root, 'ci/out.tap') },
  ], 'run folder first; a copy onto the run folder file is not written twice');
  t.equal(await readFile(join(root, 'run/report.tap'), 'utf8'), formatTap(report));
  t.equal(await readFile(join(root, 'run/report.xml'), 'utf8'), formatJunit(report));
  t.equal(await readFile(join(root, 'run/report.json'), 'utf8'), formatJson(report));
  t.equal(await readFile(join(root, 'ci/out.tap'), 'utf8'), formatTap(report), 'copy folder created');
  t.same(await temps(join(root, 'run')), [], 'no temp file left');
});

t.test('an existing report is replaced by rename, never rewritten in place', async (t) => {
  const root = t.testdir({ 'report.tap': 'old complete report\n' });
  const before = await stat(join(root, 'report.tap'));
  const reader = await open(join(root, 'report.tap'), 'r');
  t.teardown(() => reader.close());
  await writeReports(report, { dir: root });
  t.not((await stat(join(root, 'report.tap'))).ino, before.ino, 'a new file took the name');
  t.equal(await reader.readFile('utf8'), 'old complete report\n', 'a reader of the old file still sees all of it');
  t.equal(await readFile(join(root, 'report.tap'), 'utf8'), formatTap(report));
});

t.test('a target that cannot be written is an InfraError naming it, and leaves no temp file', async (t) => {
  const root = t.testdir({ run: {}, ci: {} });
  await mkdir(join(root, 'ci/report.xml'));
  await writeFile(join(root, 'ci/keep.txt'), 'x');
  const err = await writeReports(report, { dir: join(root, 'run'), junit: join(root, 'ci/report.xml') }).catch((e: unknown) => e);
  t.type(err, InfraError);
  t.match((err as InfraError).message, `cannot write report ${join(root, 'ci/report.xml')}`);
  t.same(await temps(join(root, 'ci')), [], 'temp file removed');
  t.equal(await readFile(join(root, 'run/report.xml'), 'utf8'), formatJunit(report), 'the run folder is complete');
});

t.test('index.html in the run folder and a copy in --html DIR; timeline.ndjson beside each board\'s trace; rig report writes them again', async (t) => {
  const root = t.testdir({ run: { 'argon-1': { 'trace.log': '2024-05-01T22:00:00.500Z 0000000100 [system] INFO: Device OS 4.0.2 started, reset reason: power_down\n2024-05-01T22:00:01.000Z 0000000600 </script><b>not markup</b>\n' } } });
  const dir = join(root, 'run');
  const withTrace: RunReport = { ...report, boards: report.boards.map((b) => ({ ...b, artifacts: { trace: join(dir, 'argon-1', 'trace.log') } })) };
  await writeReports(withTrace, { dir, html: join(root, 'pages') });
  const page = await readFile(join(dir, 'index.html'), 'utf8');
  t.equal(await readFile(join(root, 'pages', 'index.html'), 'utf8'), page, 'the copy is the same page');
  t.equal(page.match(/<\/script>/g)?.length, 3, 'a trace line saying </script> does not end a data block (index, one board, the script)');
  const timeline = (await readFile(join(dir, 'argon-1', 'timeline.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; reason?: string });
  t.same(timeline.map((i) => i.kind), ['step', 'reset', 'log', 'log'], 'the step (no start: at the job\'s), the reset reason the trace told, the lines');
  t.equal(timeline[1]!.reason, 'power_down');
  await writeFile(join(dir, 'index.html'), 'old');
  await writeFile(join(dir, 'report.json'), formatJson(withTrace));
  const { rebuildHtml } = await import('../../src/report/rebuild.js');
  t.same(await rebuildHtml(dir), [join(dir, 'index.html')]);
  t.equal(await readFile(join(dir, 'index.html'), 'utf8'), page, 'rebuilt from report.json: the same page');
});

t.test('a board with a capture per job (a lab run): one timeline across them, each match on its own capture\'s line, even from a moved run folder', async (t) => {
  const line = (ms: number, text: string): string => `2024-05-01T22:00:0${ms / 1000}Z 0000000100 ${text}\n`;
  const root = t.testdir({
    run: { 'argon-1': {
      '1-smoke': { 'trace.log': line(0.5 * 1000, 'first job: boot') + line(1000, 'first job: hello') },
      '2-field': { 'trace.log': line(2000, 'second job: boot') + line(3000, 'second job: hello') },
    } },
  });
  const dir = join(root, 'run');
  // Where the lab host's report said the captures were: a folder that no longer exists (the run folder moved).
  const gone = join(root, 'elsewhere', 'argon-1');
  const board = report.boards[0]!;
  const job = (n: number, plan: string, at: string, seq: number) => ({
    ...board, plan, startedAt: at, artifacts: { trace: join(gone, `${n}-${plan}`, 'trace.log') },
    steps: [{ status: 'pass' as const, name: `expect-log hello (${plan})`, startedAt: at, durationMs: 5, matched: { stream: 'log' as const, seq, at: Date.parse(at) } }],
  });
  const lab: RunReport = { ...report, endedAt: '2024-05-01T22:00:04.000Z', boards: [job(1, 'smoke', '2024-05-01T22:00:01.000Z', 1), job(2, 'field', '2024-05-01T22:00:03.000Z', 1)] };
  await writeReports(lab, { dir });
  const timeline = (await readFile(join(dir, 'argon-1', 'timeline.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; text?: string; capture?: number; seq?: number });
  t.same(timeline.filter((i) => i.kind === 'log').map((i) => [i.capture, i.seq, i.text]), [
    [0, 0, 'first job: boot'], [0, 1, 'first job: hello'], [1, 0, 'second job: boot'], [1, 1, 'second job: hello'],
  ], 'both jobs\' lines, in the board folder\'s timeline, each with its capture and its line number there');
  t.same(timeline.filter((i) => i.kind === 'match').map((i) => [i.capture, i.seq]), [[0, 1], [1, 1]], 'each match names its own job\'s capture');

  const { boardTimelines } = await import('../../src/report/write.js');
  const { htmlPageData } = await import('../../src/report/html.js');
  const data = htmlPageData(lab, (await boardTimelines(lab, dir)).items).boards[0] as { log: { x: string[] }; marks: { kind: string; index?: number }[] };
  const matched = data.marks.filter((m) => m.kind === 'match').map((m) => data.log.x[m.index!]);
  t.same(matched, ['first job: hello', 'second job: hello'], 'the page points each match at the line it matched, not at the first job\'s line of the same number');
});
