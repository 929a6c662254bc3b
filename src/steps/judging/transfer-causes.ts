// Causes any way of flashing can meet: the board (or the cloud) refusing
// the image in its own words, a full flash file system, and a link that lost
// the data. A refusal whose words name their cause is explained (Device OS 6
// refusing YMODEM, an image larger than its slot, particle-facts §4); any
// other is quoted, unless a cause before it already explained the refusal.
import type { Cause, CauseKind, Evidence } from './evidence.js';
import { EVENT } from './cloud-events.js';
import { traceMatching } from './evidence.js';
import { abortClause, missingClause } from './ota-causes.js';

const NO_YMODEM = /flashing is no longer supported/;
const TOO_BIG = /higher than the allowed space memory/;
const NOT_RECEIVED = /Failed to receive the file/;
const FS_FULL = /no space left|file system (is )?full/i;
/** Lines of a flash report that are no one's words about the image. */
const NOT_WORDS = /DFU suffix|^board back in (normal|safe) mode$/;

/** The last thing the board, the tool or the cloud said of the flash that matches `re`: its claim first, then the trace. */
function said(e: Evidence, re: RegExp): string | undefined {
  return (e.flash?.messages ?? []).findLast((m) => re.test(m)) ?? traceMatching(e, re).at(-1);
}

/** Device OS 6.0 and later answer the serial `f` command with a refusal (particle-facts §3). */
export function serialUnsupported(e: Evidence): Cause | undefined {
  if (e.flash?.via !== 'serial') return undefined;
  const words = said(e, NO_YMODEM);
  if (!words) return undefined;
  return {
    names: ['refused'],
    text: `the board refused serial flashing: Device OS 6.0 and later no longer accept YMODEM ("${words.trim()}"); DFU, USB and OTA still work`,
    basis: [`board said: ${words.trim()}`],
  };
}

export function imageTooBig(e: Evidence): Cause | undefined {
  const flash = e.flash;
  const words = flash?.refused ? said(e, TOO_BIG) : undefined;
  if (!flash || !words) return undefined;
  return { names: ['refused'], text: `the board refused ${flash.firmware} (${flash.via}): the image is larger than its slot ("${words.trim()}")`, basis: [`board said: ${words.trim()}`] };
}

/** A refusal no cause before it explained: its own words. */
export function refusedInWords(e: Evidence, named: ReadonlySet<CauseKind>): Cause | undefined {
  const flash = e.flash;
  if (!flash?.refused || named.has('refused')) return undefined;
  const words = (flash.messages ?? []).filter((m) => !NOT_WORDS.test(m)).at(-1);
  if (!words) return undefined;
  const who = flash.via === 'ota' ? 'the cloud' : 'the board';
  return { names: ['refused'], text: `${who} refused ${flash.firmware} (${flash.via}): "${words}"`, basis: [`${flash.via === 'ota' ? 'cloud' : 'board'} said: ${words}`] };
}

export function fileSystemFull(e: Evidence): Cause | undefined {
  const full = traceMatching(e, FS_FULL).at(-1);
  if (!full) return undefined;
  // Over the air the image is downloaded to the file system before it is applied; a wired flash writes it in place.
  const text = e.flash?.via === 'ota' || e.flash === undefined
    ? 'the flash file system is full, so the downloaded image was never applied'
    : 'the flash file system is full';
  return { names: ['file-system'], text, basis: [`trace: ${full}`] };
}

/** The board went offline between the transfer's start and the cloud's next word on it. */
function offlineClause(e: Evidence): { text: string; basis: string[] } | undefined {
  const events = e.events ?? [];
  const started = events.findLastIndex((ev) => ev.name === EVENT.flashStatus && ev.data.trim() === 'started');
  if (started < 0) return undefined;
  const rest = events.slice(started + 1);
  const outcome = rest.findIndex((ev) => ev.name === EVENT.flashStatus);
  const during = outcome < 0 ? rest : rest.slice(0, outcome);
  if (!during.some((ev) => ev.name === EVENT.status && ev.data.trim() === 'offline')) return undefined;
  return { text: 'the board lost its cloud connection during the transfer', basis: ['event spark/status = "offline" during the transfer'] };
}

/** The link lost data: chunks missed, transfers aborted, a file not received, the connection lost mid-transfer. */
export function lostData(e: Evidence, named: ReadonlySet<CauseKind>): Cause | undefined {
  if (named.has('link')) return undefined;
  const notReceived = said(e, NOT_RECEIVED);
  const clauses = [
    missingClause(e), abortClause(e), offlineClause(e),
    notReceived ? { text: `the board did not receive the whole file ("${notReceived.trim()}")`, basis: [`board said: ${notReceived.trim()}`] } : undefined,
  ].filter((c) => c !== undefined);
  if (clauses.length === 0) return undefined;
  return { names: ['link'], text: clauses.map((c) => c.text).join('; '), basis: clauses.flatMap((c) => c.basis) };
}
