// The report module's public face: the run model and its writers.
export type { BoardArtifacts, BoardChanges, BoardReport, BoardStatus, FlakyStep, PlanRef, ReportStep, RunChanges, RunReport } from './model.js';
export { boardChangesLine, changesSummary } from './changes.js';
export { boardVerdict, countRun, exitStatus, reportedSteps } from './verdict.js';
export type { ExitStatus, RunCounts, StatusCounts } from './verdict.js';
export { TapStream, boardTap, formatTap } from './tap.js';
export type { TapHeader, TapSink } from './tap.js';
export { formatJunit } from './junit.js';
export { REPORT_FORMAT, formatJson, reportJson } from './json.js';
export { REPORT_FILES, TIMELINE_FILE, boardTimelines, writeReports } from './write.js';
export { formatHtml, htmlPageData } from './html.js';
export { boardTimeline, formatTimelineNdjson, parseEvents, parseTrace } from './timeline.js';
export type { TimelineItem } from './timeline.js';
export type { ReportTargets, WrittenReport } from './write.js';
