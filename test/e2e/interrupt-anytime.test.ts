// Ctrl-C or SIGTERM at any moment of a run's first 10 s (issue 11): while the command
// loads, while plans are checked, while the simulated bench starts, while
// boards are locked and opened, mid-step. Every run stops within 2 s, and
// either said in one line that nothing was run (exit 130, no report) or
// wrote a TAP 14 report a parser reads to its `Bail out!` (exit 3); no
// process it started and no board lock outlives it. The moments are drawn
// from a fixed seed, so a failure can be replayed.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../cli/run-rig.js';
import { readTap } from './run-report.js';

const RIG = fileURLToPath(new URL('../../bin/rig.js', import.meta.url));
const BENCH = join(ROOT, 'test/e2e/fixtures/two-boards.yaml');
/** Long enough to be running at 10 s: a flash, then a wait of 20 minutes of board time. */
const PLAN = 'plan: long\nfirmware: { app: { make: { version: 3 } } }\nsteps:\n  - flash: app\n    via: dfu\n  - expect-app: app\n  - wait: 20m\n';

/** Moments in ms, spread over the first 10 s: a seeded generator (mulberry32), one per tenth of the span. */
function moments(seed: number, count: number, spanMs: number): number[] {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, (_, i) => Math.round(((i + next()) * spanMs) / count));
}

/** Processes that carry `marker` in their environment: the run and every child it started. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) found.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

t.test('interrupted at any moment of its first 10 s, a run stops cleanly', async (t) => {
  for (const [i, atMs] of moments(20261203, 8, 10_000).entries()) {
    // Ctrl-C and SIGTERM (a CI job cancelled, a lab host shutting down) take turns.
    const sig = i % 2 === 0 ? 'SIGINT' : 'SIGTERM';
    await t.test(`${sig} at ${atMs} ms`, async (t) => {
      // A bench file of its own: other tests look for processes by their bench's path.
      const dir = t.testdir({ 'plan.yaml': PLAN, 'bench.yaml': readFileSync(BENCH, 'utf8') });
      const locks = mkdtempSync(join(tmpdir(), 'rig-locks-'));
      const marker = `RIG_INTERRUPT_TEST=${process.pid}-${atMs}`;
      const out = join(dir, 'out');
      const child = spawn(process.execPath, [RIG, 'run', join(dir, 'plan.yaml'), '--bench', join(dir, 'bench.yaml'), '--report-dir', out], {
        cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RIG_LOCK_DIR: locks, [marker.split('=')[0]!]: marker.split('=')[1] },
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise((r) => setTimeout(r, atMs));
      const sentAt = Date.now();
      child.kill(sig);
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
      const stopMs = Date.now() - sentAt;
      if (code === 'hung') child.kill('SIGKILL');
      t.not(code, 'hung', 'it ends');
      t.ok(stopMs < 2000, `it ends within 2 s of the signal (${stopMs} ms)`);
      if (code === null && stderr === '') {
        // The signal came before Node had run a line of the rig (its own start-up, longer on a loaded
        // machine): the process ends by the signal, as any program would, and leaves nothing behind.
        t.notOk(existsSync(join(out, 'report.tap')), 'killed before it began: no report');
      } else if (code === 130) {
        t.match(stderr, new RegExp(`rig: ${sig} before (anything|the run) started: nothing was run\\n$`), 'one line says nothing was run');
        t.notOk(existsSync(join(out, 'report.tap')), 'and no report exists to be mistaken for a run');
      } else {
        t.equal(code, 3, `a run cut short exits 3: ${stderr.slice(-300)}`);
        const tap = readTap(out);
        t.match(tap.bailout, new RegExp(`interrupted by ${sig}`), 'the TAP report parses and ends in Bail out!');
        t.ok(tap.text.startsWith('TAP version 14\n'));
      }
      await new Promise((r) => setTimeout(r, 300)); // children killed by their owners exit on their own schedule
      t.same(processesWith(marker), [], 'no process the run started is left');
      t.same(readdirSync(locks), [], 'no board lock is left');
    });
  }
});
