// flash: sends a firmware the runner resolved and checked for this board,
// the way the plan says (dfu, serial, ota, usb). What the flash did is kept
// in the context (lastFlash) for the expectations and diagnoses that follow.
// Without `expect`, an OTA flash ends when the cloud accepted the update and
// whether it was applied is for expect-event / expect-app to prove. With
// `expect`, the step waits for the update to settle and judges it by the app
// the board runs (update-check.ts): a refused image is then the verdict
// `failed`, and any verdict but `applied` carries its diagnosis.
import { type FlashProgress, type FlashReport } from '../core/board-contract.js';
import { FlashRejectedError } from '../core/errors.js';
import type { FlashStep } from '../plan/steps-board.js';
import { marksNow, type StepContext } from './context.js';
import { EVENT } from './evidence.js';
import { awaitVerdict } from './flash-verdict.js';
import { pass, type KindRunner, type StepBody } from './result.js';

function progressText(step: FlashStep, p: FlashProgress): string {
  const pct = p.percent !== undefined ? `${Math.round(p.percent)}%` : `${p.bytes}/${p.total} bytes`;
  return `flash ${step.firmware} via ${p.method}: ${pct}`;
}

/**
 * The app the cloud last saw running: lets a later diagnosis say "still the
 * old app". Unknown once the board left the cloud after saying it: a DFU or
 * serial flash since may have replaced it before the board is back online.
 */
function appLastSeen(events: readonly { name: string; data: string }[]): string | undefined {
  const at = events.findLastIndex((e) => e.name === EVENT.appHash);
  if (at < 0) return undefined;
  const left = events.slice(at + 1).some((e) => e.name === EVENT.status && e.data === 'offline');
  return left ? undefined : events[at]!.data.toLowerCase();
}

export const runFlash: KindRunner<FlashStep> = async (step, ctx: StepContext): Promise<StepBody> => {
  const fw = ctx.firmware(step.firmware);
  const { board } = ctx;
  const marks = marksNow(board);
  const appBefore = appLastSeen(board.events?.events() ?? []);
  // An OTA reaches the board in the mode it is in; wired flashes choose their own.
  const modeBefore = step.via === 'ota' ? await board.presence(ctx.signal).catch(() => undefined) : undefined;
  ctx.note(`flash ${step.firmware} via ${step.via}`);
  const remember = (report: FlashReport, refused: boolean): void => {
    ctx.lastFlash = {
      firmware: step.firmware, via: step.via, report, ...marks, sha256: fw.info.sha256.toLowerCase(), appBefore,
      needs: fw.info.dependencies, ...(refused ? { refused } : {}), ...(modeBefore ? { modeBefore } : {}),
    };
  };
  const started = Date.now();
  let report: FlashReport;
  try {
    report = await board.flash(fw, step.via, { signal: ctx.signal, onProgress: (p) => ctx.note(progressText(step, p)) });
    remember(report, false);
  } catch (err) {
    // A refused image is still the flash later steps are judged against.
    if (!(err instanceof FlashRejectedError)) throw err;
    report = { method: step.via, durationMs: Date.now() - started, messages: err.boardMessages };
    remember(report, true);
    if (!step.expect) throw err;
  }
  const details = {
    firmware: step.firmware, source: fw.source, via: report.method, bytes: fw.image.length,
    sha256: fw.info.sha256.toLowerCase(), flashMs: report.durationMs, messages: report.messages,
  };
  if (!step.expect) return pass({ details });
  return awaitVerdict(step, ctx, details);
};
