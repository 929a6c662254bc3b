// The HTML report in a real browser (Debian's chromium, headless, through
// puppeteer-core): the smoke plan, a failing variant of field plan 002, and
// a 16-board run with 100,000 trace lines. The big run is synthetic: the
// field run's report.json and captures multiplied (benchmarks/lib/html-page.ts
// says how); `npm run bench -- html` measures the same page. Each page's
// screenshot is kept as a test artifact in .tap/html/ (smoke.png, field.png,
// big.png). Needs `npm run pretest` (the CLI runs from dist).
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRig, ROOT } from '../cli/run-rig.js';
import { CHROMIUM, multiplyRun, openReport, type OpenedReport } from '../../benchmarks/lib/html-page.js';
import { rebuildHtml } from '../../src/report/rebuild.js';

process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));
const SHOTS = join(ROOT, '.tap', 'html');
mkdirSync(SHOTS, { recursive: true });

/** What a board's section says it holds (its data-* counts). */
interface BoardCounts { board: string; steps: number; modes: number; boots: number; events: number; trace: number; matches: number }

async function boardCounts(r: OpenedReport): Promise<BoardCounts[]> {
  return r.page.$$eval('section.board', (els) => els.map((e) => {
    const n = (k: string): number => Number(e.getAttribute(`data-${k}`));
    return { board: e.getAttribute('data-board') ?? '', steps: n('steps'), modes: n('modes'), boots: n('boots'), events: n('events'), trace: n('trace'), matches: n('matches') };
  }));
}

/** Whether the element is inside the viewport as the page opened (no scrolling). */
async function visibleWithoutScrolling(r: OpenedReport, selector: string): Promise<boolean> {
  return r.page.$eval(selector, (e) => {
    const box = e.getBoundingClientRect();
    const view = globalThis as unknown as { innerHeight: number; innerWidth: number };
    return box.height > 0 && box.top >= 0 && box.bottom <= view.innerHeight && box.left >= 0 && box.right <= view.innerWidth;
  });
}

/** Scrolls a board's section into view and waits until the page has built it (it does when it first shows it). */
async function showBoard(r: OpenedReport, board: string): Promise<void> {
  await r.page.$eval(`section.board[data-board="${board}"]`, (e) => e.scrollIntoView());
  await r.page.waitForSelector(`section.board[data-board="${board}"][data-built]`);
}

if (!existsSync(CHROMIUM)) {
  t.fail(`no Chromium at ${CHROMIUM}: run scripts/install-system-packages.sh (Debian's chromium package)`);
} else {
  const work = t.testdir({});

  t.test('smoke plan: every board on its timeline, no failure, no console error', async (t) => {
    const dir = join(work, 'smoke');
    const run = await runRig(['run', 'plans/smoke.yaml', '--report-dir', dir, '--no-history', '--html', join(work, 'smoke-copy')], { timeoutMs: 60_000 });
    t.equal(run.code, 0, run.stderr);
    t.ok(existsSync(join(dir, 'index.html')), 'index.html in the run folder');
    t.equal(readFileSync(join(work, 'smoke-copy', 'index.html'), 'utf8'), readFileSync(join(dir, 'index.html'), 'utf8'), '--html DIR has the same page');
    const page = readFileSync(join(dir, 'index.html'), 'utf8');
    t.notMatch(page, /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/, 'self-contained: nothing fetched');
    for (const b of ['photon-1', 'electron-1', 'argon-1', 'p2-1']) {
      const lines = readFileSync(join(dir, b, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
      const kinds = new Set(lines.map((l) => l.kind));
      t.ok(['step', 'boot', 'mode', 'transfer', 'event', 'log', 'reset', 'match'].every((k) => kinds.has(k)), `${b}: timeline.ndjson has every kind (${[...kinds].join(', ')})`);
    }
    const r = await openReport(join(dir, 'index.html'));
    t.teardown(() => r.browser.close());
    t.same(r.errors, [], 'no console error');
    t.ok(await visibleWithoutScrolling(r, '#failures h2'), 'the failures section (none) is in view');
    t.match(await r.page.$eval('#failures h2', (e) => e.textContent), 'No failures');
    const counts = await boardCounts(r);
    t.equal(counts.length, 4, 'one timeline per board');
    for (const c of counts) {
      t.ok(c.steps === 12 && c.modes >= 3 && c.boots >= 4 && c.events > 5 && c.trace > 10 && c.matches >= 1, `${c.board}: steps, mode changes, boots, events, trace and matched marks (${JSON.stringify(c)})`);
    }
    // A click on a step in the first board's list shows it; a click on a trace line shows its neighbours.
    await showBoard(r, 'photon-1');
    await r.page.click('section.board[data-board="photon-1"] button[data-step-id="5"]');
    t.match(await r.page.$eval('section.board[data-board="photon-1"] .details', (e) => e.textContent), /expect-event spark\/flash\/status/);
    await r.page.click('section.board[data-board="photon-1"] .vlist .row[data-index="3"]');
    t.match(await r.page.$eval('section.board[data-board="photon-1"] .trace-neighbours', (e) => e.textContent), /> #3 /, 'the line and its neighbours');
    // The events list is the board's second list; a click on its fourth row says which it is, by row.
    await r.page.$$eval('section.board[data-board="photon-1"] .vlist', (lists) => lists[1]?.scrollIntoView());
    const eventRows = await r.page.$$('section.board[data-board="photon-1"] .vlist');
    await (await eventRows[1]!.$('.row[data-index="3"]'))!.click();
    t.match(await r.page.$eval('section.board[data-board="photon-1"] .event-picked', (e) => e.textContent), /^event #3 at [\d.]+ ?s: \S+ /, 'the event, numbered by its row');
    await r.page.screenshot({ path: join(SHOTS, 'smoke.png'), fullPage: true });
  });

  t.test('a failed field plan: the failing step first, its diagnosis a click away', async (t) => {
    const dir = join(work, 'field');
    const run = await runRig(['run', 'test/fixtures/html/field-002-expects-ota-applied.yaml', '--report-dir', dir, '--no-history'], { timeoutMs: 90_000 });
    t.equal(run.code, 1, `the OTA step fails\n${run.stderr}`);
    const r = await openReport(join(dir, 'index.html'));
    t.teardown(() => r.browser.close());
    t.same(r.errors, [], 'no console error');
    t.ok(await visibleWithoutScrolling(r, '[data-first-failure]'), 'the first failing step is in view without scrolling');
    t.match(await r.page.$eval('[data-first-failure]', (e) => e.textContent), /OTA of the new app.*built against a newer Device OS: it needs system part 2 version 1600/s);
    t.match(await r.page.$$eval('#failures table.updates tr', (rows) => rows.map((x) => x.textContent)), [/step/, /dfu.*applied/, /ota.*failed/, /serial.*failed/, /dfu.*reported-success-not-applied/], 'the update comparison rows');
    const [c] = await boardCounts(r);
    t.ok(c && c.steps === 12 && c.modes >= 3 && c.boots >= 3 && c.events > 5 && c.trace > 10 && c.matches >= 3, `steps, mode changes, boots, events, trace marks (${JSON.stringify(c)})`);
    await r.page.screenshot({ path: join(SHOTS, 'field.png') });
    // The failing step on the timeline: the canvas itself, clicked where the step's span is.
    await r.page.click('[data-first-failure] button.link');
    t.match(await r.page.$eval('section.board .details .step-diagnosis', (e) => e.textContent), /^newer-os-app \(ota\) was not applied/, 'its diagnosis shows');
    const box = await r.page.$eval('section.board .details', (e) => e.getAttribute('data-step-id'));
    t.equal(box, '2', 'the OTA step is selected');
    // Zoomed on the OTA step (its link did that), the middle of the canvas's steps lane is the step:
    // with another step selected (the view kept), a click there selects it again.
    await r.page.evaluate(() => (globalThis as unknown as { rigBoards: Record<string, { select(id: number, zoom: boolean): void }> }).rigBoards['photon-1']!.select(0, false));
    t.equal(await r.page.$eval('section.board .details', (e) => e.getAttribute('data-step-id')), '0');
    const rect = await (await r.page.$('section.board canvas.tl'))!.boundingBox();
    await r.page.mouse.click(rect!.x + 110 + (rect!.width - 116) / 2, rect!.y + 18 + 13);
    t.equal(await r.page.$eval('section.board .details', (e) => e.getAttribute('data-step-id')), '2', 'a click on the step\'s span on the canvas selects it');
    t.match(await r.page.$eval('section.board .details .step-diagnosis', (e) => e.textContent), /^newer-os-app \(ota\) was not applied/, 'and shows its diagnosis');
    await r.page.screenshot({ path: join(SHOTS, 'field-step.png'), fullPage: true });

    t.test('16 boards, 100,000 trace lines: interactive in under 2 s', async (t) => {
      // Synthetic: this field run's report.json and captures multiplied to 16 boards (benchmarks/lib/html-page.ts).
      const big = multiplyRun(dir, join(work, 'big'), { boards: 16, traceLines: 100_000 });
      await rebuildHtml(big);
      const r = await openReport(join(big, 'index.html'));
      t.teardown(() => r.browser.close());
      t.same(r.errors, [], 'no console error');
      t.ok(r.readyMs < 2000, `ready ${Math.round(r.readyMs)} ms after navigation start`);
      const counts = await boardCounts(r);
      t.equal(counts.length, 16);
      t.ok(counts.reduce((n, c) => n + c.trace, 0) >= 100_000, 'at least 100,000 trace lines');
      t.ok(counts.every((c) => c.steps === 12 && c.modes >= 3 && c.events > 0 && c.trace >= 6250 && c.matches >= 3), 'every board has its steps, modes, events, trace and marks');
      t.ok(await visibleWithoutScrolling(r, '[data-first-failure]'), 'the first failing step is in view');
      // The last board, scrolled to: built on demand, its step shows its diagnosis.
      await showBoard(r, counts.at(-1)!.board);
      const rows = await r.page.$$eval('section.board:last-of-type .vlist .row', (x) => x.length);
      t.ok(rows > 0 && rows < 200, `its ${counts.at(-1)!.trace} trace lines are virtualised: ${rows} rows in the DOM`);
      await r.page.click('section.board:last-of-type button[data-step-id="2"]');
      t.match(await r.page.$eval('section.board:last-of-type .details .step-diagnosis', (e) => e.textContent), /was not applied/);
      await r.page.screenshot({ path: join(SHOTS, 'big.png') });
    });
  });
}
