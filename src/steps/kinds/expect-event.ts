// expect-event: a cloud event whose name starts with `name` and whose data
// matches `data` arrives within `within` (board time, default 30 s),
// counting from the start of the last step that acted on the board
// (judging/symptom-window.ts); with `after: previous`, after what the previous symptom
// expectation matched (judging/symptom-window.ts). With absent: true, no such event may
// arrive in that window. No cloud on the bench: SKIP.
import type { CloudEvent } from '../../core/board-contract.js';
import { formatDuration } from '../../plan/duration.js';
import type { ExpectEventStep } from '../../plan/steps-expect.js';
import { DEFAULT_WITHIN_MS } from '../context.js';
import { diagnoseFailure, diagnosisFields } from '../judging/evidence.js';
import { beforeDiagnosis, eventLabel, matchedBefore, rememberMatch, symptomWindow } from '../judging/symptom-window.js';
import { fail, pass, skip, type KindRunner } from '../result.js';

function shown(e: CloudEvent): { name: string; data: string; publishedAt: string } {
  return { name: e.name, data: e.data, publishedAt: e.publishedAt };
}

export const runExpectEvent: KindRunner<ExpectEventStep> = async (step, ctx) => {
  const events = ctx.board.events;
  if (!events) return skip('the bench names no cloud, so cloud events cannot be watched');
  const window = symptomWindow(ctx, step.afterPrevious, 'events');
  const from = window.fromSeq;
  const withinMs = step.withinMs ?? DEFAULT_WITHIN_MS;
  const data = step.data !== undefined ? new RegExp(step.data) : undefined;
  const matches = (e: CloudEvent): boolean => e.name.startsWith(step.event) && (!data || data.test(e.data));
  const wanted = { name: step.event, ...(step.data !== undefined ? { data: step.data } : {}), ...(window.after ? { after: window.after.label } : {}) };
  ctx.note(`${step.absent ? 'watching for no' : 'waiting for'} event ${step.event}`);
  const hit = await events.waitFor(step.event, { ...(data ? { data } : {}), fromSeq: from, withinMs: ctx.clock.wallMs(withinMs), signal: ctx.signal });
  if (step.absent) {
    if (!hit) return pass();
    return fail({ absent: wanted }, shown(hit), { diagnosis: `event ${hit.name} = ${JSON.stringify(hit.data)} arrived, which the plan says must not` });
  }
  if (hit) return pass({ actual: shown(hit), ...rememberMatch(ctx, step, window, { stream: 'events', seq: hit.seq, at: hit.at, label: eventLabel(hit) }) });
  const earlier = matchedBefore(events.events(), window, matches);
  if (earlier) return fail(wanted, shown(earlier), beforeDiagnosis(eventLabel(earlier), earlier, 'events', window, ctx.clock));
  const sameName = events.events().filter((e) => e.seq >= from && e.name.startsWith(step.event)).slice(-5).map(shown);
  const d = await diagnoseFailure(ctx);
  const got = sameName.length ? `; got ${sameName.map((e) => JSON.stringify(e.data)).join(', ')}` : '';
  const after = window.after ? ` after ${window.after.label}` : '';
  const fields = diagnosisFields(d, `no ${step.event} event${data ? ` with data matching /${step.data}/` : ''}${after} within ${formatDuration(withinMs)}${got}`);
  return fail(wanted, sameName.length ? sameName : 'no such event', fields);
};
