// The HTML report in a real browser, for the tests (test/report/html-page.test.ts)
// and `npm run bench -- html`: Debian's chromium driven by puppeteer-core,
// and a big run made from a real one (its boards and captures multiplied).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { RunReport } from '../../src/report/model.js';

export const CHROMIUM = process.env.RIG_CHROMIUM ?? '/usr/bin/chromium';

export interface OpenedReport {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  /** performance.now() at the page's ready mark: from navigation start until the summary, failures and the timelines in view are drawn and take clicks. */
  readyMs: number;
}

/** Opens a report file in headless Chromium (root needs --no-sandbox); close `browser` when done. */
export async function openReport(file: string, o: { width?: number; height?: number } = {}): Promise<OpenedReport> {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: o.width ?? 1280, height: o.height ?? 900 });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    const readyMs = await page.evaluate(() => (globalThis as unknown as { rigReadyMs: number }).rigReadyMs);
    return { browser, page, errors, readyMs };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/**
 * A run of `boards` boards with at least `traceLines` trace lines in all,
 * made from a real run folder: each board a copy of one of its jobs (in
 * turn), its trace and events repeated back to back (each repetition later
 * by the capture's span) until it has its share of the lines. Steps, boots
 * and modes are the real ones, in the first repetition. Returns the folder.
 */
export function multiplyRun(from: string, to: string, o: { boards: number; traceLines: number }): string {
  const report = JSON.parse(readFileSync(join(from, 'report.json'), 'utf8')) as RunReport;
  const templates = report.boards;
  const perBoard = Math.ceil(o.traceLines / o.boards);
  const boards: RunReport['boards'] = [];
  for (let i = 0; i < o.boards; i++) {
    const job = templates[i % templates.length]!;
    const name = `${job.name}-${String(i + 1).padStart(2, '0')}`;
    const dir = join(to, name);
    mkdirSync(dir, { recursive: true });
    const trace = readFileSync(join(from, job.name, 'trace.log'), 'utf8').split('\n').filter((l) => l.length > 0);
    const events = readFileSync(join(from, job.name, 'events.ndjson'), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as { at: number; seq: number });
    const times = trace.map((l) => Date.parse(l.slice(0, 24)));
    const first = Math.min(times[0] ?? 0, events[0]?.at ?? Infinity);
    const last = Math.max(times.at(-1) ?? 0, events.at(-1)?.at ?? 0);
    const span = Math.max(1000, last - first + 500);
    const out: string[] = [];
    const outEvents: string[] = [];
    for (let rep = 0; out.length < perBoard; rep++) {
      const shift = rep * span;
      for (const [k, line] of trace.entries()) {
        if (out.length >= perBoard) break;
        out.push(`${new Date(times[k]! + shift).toISOString()}${line.slice(24)}`);
      }
      for (const e of events) outEvents.push(JSON.stringify({ ...e, at: e.at + shift, seq: outEvents.length }));
    }
    writeFileSync(join(dir, 'trace.log'), out.join('\n') + '\n');
    writeFileSync(join(dir, 'events.ndjson'), outEvents.join('\n') + '\n');
    boards.push({ ...job, name, artifacts: { trace: join(dir, 'trace.log'), events: join(dir, 'events.ndjson') } });
  }
  mkdirSync(to, { recursive: true });
  const big = { ...report, runId: `${report.runId}-x${o.boards}`, boards };
  // Health rows name the template's boards; the big run has none.
  delete (big as Partial<RunReport>).health;
  writeFileSync(join(to, 'report.json'), JSON.stringify(big, null, 2) + '\n');
  return to;
}
