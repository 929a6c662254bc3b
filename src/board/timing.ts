// How long the board layer waits for a board, in board time (BenchClock
// turns it into wall time, with room for the rig's own work).

/** A board re-enumerating after a reset or mode change: a few seconds on a real one, more with a modem. */
export const REENUMERATE_BOARD_MS = 30_000;
/** A board coming back after a flash: the update is applied during the boot. */
export const FLASH_RETURN_BOARD_MS = 60_000;
/** The cloud seeing a board that just booted. */
export const CLOUD_ONLINE_BOARD_MS = 60_000;
/** Between two looks at the USB bus while waiting (wall): a bus listing costs well under a millisecond. */
export const PRESENCE_POLL_MS = 10;

/**
 * Longest pause between two looks of a wait that only a change of the bus can
 * end, on a bus that tells its changes (WATCH): a look now and then all the
 * same, should a notice go missing.
 */
export const BUS_CHANGE_RECHECK_MS = 250;

/**
 * The pause before look `attempt` (0, 1, ...) of a wait: 1, 2, 4, 8 ms, then
 * PRESENCE_POLL_MS. A mode change that does not re-enumerate (listening and
 * back) is seen within a millisecond or two on a fast simulated board, and
 * a real board's seconds cost a look every 10 ms, as before.
 */
export function presencePollMs(attempt: number): number {
  return Math.min(PRESENCE_POLL_MS, 2 ** Math.min(attempt, 8));
}
