// Two processes writing runs to one history file at the same moment, many
// times over: every run of both is recorded (WAL, the busy timeout and one
// IMMEDIATE transaction a run), and the database is whole.
import t from 'tap';
import Database from 'libsql';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WRITER = fileURLToPath(new URL('./fixtures/write-runs.ts', import.meta.url));
const RUNS = 200;

function writer(path: string, label: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, label, String(RUNS)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

t.test('two writers at once: every run recorded, the database whole', async (t) => {
  const path = join(t.testdir({}), 'history.db');
  const startAt = Date.now() + 5000;
  const results = await Promise.all([writer(path, 'a', startAt), writer(path, 'b', startAt)]);
  t.same(results.map((r) => r.code), [0, 0], results.map((r) => r.stderr).join('\n'));
  const db = new Database(path, { readonly: true });
  t.teardown(() => db.close());
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n, 2 * RUNS, 'every run of both');
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM steps').get() as { n: number }).n, 2 * RUNS, 'with its steps');
  t.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
  // Interleaved: the writers really wrote at the same time, not one after the other.
  const order = (db.prepare('SELECT id FROM runs ORDER BY rowid').all() as { id: string }[]).map((r) => r.id[0]).join('');
  t.ok(/^a+b+$|^b+a+$/.test(order) === false, `the writers' runs interleave: ${order.slice(0, 60)}...`);
  t.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
});
