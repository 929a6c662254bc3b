// The cloud events a judgement reads, by name (particle-facts §7, §9).
export const EVENT = {
  flashStatus: 'spark/flash/status',
  lastReset: 'spark/device/last_reset',
  appHash: 'spark/device/app-hash',
  safeMode: 'spark/status/safe-mode',
  /** online / offline: the board's cloud session. */
  status: 'spark/status',
  otaResult: 'spark/device/ota_result',
  updatesPending: 'particle/device/updates/pending',
} as const;
