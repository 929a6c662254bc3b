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
