// The short title of a step in reports, when the plan gives none:
// "flash candidate via dfu", "expect-app candidate within 2m".
import { formatDuration } from '../plan/duration.js';
import type { Step } from '../plan/steps.js';

function within(ms: number | undefined): string {
  return ms === undefined ? '' : ` within ${formatDuration(ms)}`;
}

function after(step: { afterPrevious: boolean }): string {
  return step.afterPrevious ? ' after previous' : '';
}

function describe(step: Step): string {
  switch (step.kind) {
    case 'flash': return `flash ${step.firmware} via ${step.via}${step.expect ? ` expecting ${step.expect.join(' or ')}` : ''}`;
    case 'mode': return `mode ${step.mode}`;
    case 'reset': return `reset ${step.how}${step.expectReason ? ` expecting ${step.expectReason}` : ''}`;
    case 'power': return `power ${step.action}`;
    case 'expect-app': return `expect-app ${step.firmware}${within(step.withinMs)}`;
    case 'expect-mode': return `expect-mode ${step.mode}${within(step.withinMs)}`;
    case 'expect-modules': return `expect-modules ${step.modules.map((m) => m.function + (m.index !== undefined ? ` ${m.index}` : '')).join(', ')}`;
    case 'expect-event': return `expect-event ${step.event}${step.data ? ` /${step.data}/` : ''}${step.absent ? ' absent' : ''}${after(step)}${within(step.withinMs)}`;
    case 'expect-log': return `expect-log ${step.absent ? 'absent' : 'match'} /${step.pattern}/${after(step)}${within(step.withinMs)}`;
    case 'expect-reset': return `expect-reset ${step.reason}${after(step)}${within(step.withinMs)}`;
    case 'wait': return `wait ${formatDuration(step.durationMs)}`;
    case 'inspect': return `inspect${step.label ? ` ${step.label}` : ''}`;
    case 'fault': return `fault ${step.fault}${step.at ? ` at ${step.at.transfer} ${step.at.percent}%` : ''}`;
    case 'call': return `call ${step.function}(${JSON.stringify(step.arg)})${step.expectValue !== undefined ? ` expecting ${step.expectValue}` : ''}`;
    case 'repeat': return `repeat ${step.until ? `until ${step.until} (at most ${step.count})` : `${step.count} times`}`;
  }
}

export function stepTitle(step: Step): string {
  return step.name ?? describe(step);
}
