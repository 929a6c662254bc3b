// Moved to src/runner/sim-process.ts (the runner owns the bench session);
// kept so that code outside src/ that still imports it from here works.
export { startSimProcess, type RunningSimProcess, type SimAddresses, type SimBoardAddress } from '../runner/sim-process.js';
