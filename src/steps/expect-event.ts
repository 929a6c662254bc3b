// expect-event: a cloud event whose name starts with `name` and whose data
// matches `data` arrives within `within` (board time, default 30 s),
// counting from the start of the last step that acted on the board
// (since.ts). With absent: true, no such event may arrive in that window.
// No cloud on the bench: SKIP.
import type { CloudEvent } from '../board/types.js';
import { formatDuration } from '../plan/duration.js';
import type { ExpectEventStep } from '../plan/steps-expect.js';
import { DEFAULT_WITHIN_MS, wallMs } from './context.js';
import { diagnoseFailure, diagnosisFields } from './gather.js';
import { fail, pass, skip, type KindRunner } from './result.js';
import { sinceLastAction } from './since.js';

function shown(e: CloudEvent): { name: string; data: string; publishedAt: string } {
  return { name: e.name, data: e.data, publishedAt: e.publishedAt };
}

export const runExpectEvent: KindRunner<ExpectEventStep> = async (step, ctx) => {
  const events = ctx.board.events;
  if (!events) return skip('the bench names no cloud, so cloud events cannot be watched');
  const from = sinceLastAction(ctx).eventSeq;
  const withinMs = step.withinMs ?? DEFAULT_WITHIN_MS;
  const data = step.data !== undefined ? new RegExp(step.data) : undefined;
  const wanted = { name: step.event, ...(step.data !== undefined ? { data: step.data } : {}) };
  ctx.note(`${step.absent ? 'watching for no' : 'waiting for'} event ${step.event}`);
  const hit = await events.waitFor(step.event, { ...(data ? { data } : {}), fromSeq: from, withinMs: wallMs(ctx, withinMs), signal: ctx.signal });
  if (step.absent) {
    if (!hit) return pass();
    return fail({ absent: wanted }, shown(hit), { diagnosis: `event ${hit.name} = ${JSON.stringify(hit.data)} arrived, which the plan says must not` });
  }
  if (hit) return pass({ actual: shown(hit) });
  const sameName = events.events().filter((e) => e.seq >= from && e.name.startsWith(step.event)).slice(-5).map(shown);
  const d = await diagnoseFailure(ctx);
  const got = sameName.length ? `; got ${sameName.map((e) => JSON.stringify(e.data)).join(', ')}` : '';
  const fields = diagnosisFields(d, `no ${step.event} event${data ? ` with data matching /${step.data}/` : ''} within ${formatDuration(withinMs)}${got}`);
  return fail(wanted, sameName.length ? sameName : 'no such event', fields);
};
