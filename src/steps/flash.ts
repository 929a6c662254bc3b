// flash: sends a firmware the runner resolved and checked for this board,
// the way the plan says (dfu, serial, ota, usb). What the flash did is kept
// in the context (lastFlash) for the expectations and diagnoses that follow.
// For OTA the step ends when the cloud accepted the update; whether it was
// applied is for expect-event / expect-app to prove.
import { FlashRejectedError, type FlashProgress, type FlashReport } from '../board/types.js';
import type { FlashStep } from '../plan/steps-board.js';
import { marksNow } from './context.js';
import { EVENT } from './evidence.js';
import { pass, type KindRunner } from './result.js';

function progressText(step: FlashStep, p: FlashProgress): string {
  const pct = p.percent !== undefined ? `${Math.round(p.percent)}%` : `${p.bytes}/${p.total} bytes`;
  return `flash ${step.firmware} via ${p.method}: ${pct}`;
}

export const runFlash: KindRunner<FlashStep> = async (step, ctx) => {
  const fw = ctx.firmware(step.firmware);
  const { board } = ctx;
  const marks = marksNow(board);
  // The app the cloud last saw running: lets a later diagnosis say "still the old app".
  const appBefore = board.events?.events().filter((e) => e.name === EVENT.appHash).at(-1)?.data.toLowerCase();
  ctx.note(`flash ${step.firmware} via ${step.via}`);
  const remember = (report: FlashReport): void => {
    ctx.lastFlash = { firmware: step.firmware, via: step.via, report, ...marks, sha256: fw.info.sha256.toLowerCase(), appBefore };
  };
  const started = Date.now();
  let report: FlashReport;
  try {
    report = await board.flash(fw, step.via, { signal: ctx.signal, onProgress: (p) => ctx.note(progressText(step, p)) });
  } catch (err) {
    // A refused image is still the flash later steps are judged against.
    if (err instanceof FlashRejectedError) remember({ method: step.via, durationMs: Date.now() - started, messages: err.boardMessages });
    throw err;
  }
  remember(report);
  return pass({
    details: {
      firmware: step.firmware, source: fw.source, via: report.method, bytes: fw.image.length,
      sha256: fw.info.sha256.toLowerCase(), flashMs: report.durationMs, messages: report.messages,
    },
  });
};
