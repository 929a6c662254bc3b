// Reaching a board in DFU mode through dfu-util (spawned with child_process): the command line
// from the module, progress, outcome classification, and `dfu-util -l`.
export { flashDfu, type DfuFlashOptions, type DfuBoard } from './dfu/flash.js';
export { listDfuDevices, parseDfuList, type DfuListing } from './dfu/list.js';
export { dfuWriteArgs, deviceFilter, hexAddress, type DfuWrite } from './dfu/command.js';
export { dfuFailure, DOWNLOADED, type DfuRun } from './dfu/outcome.js';
export { DfuProgressParser, significantLines, type DfuProgress } from './dfu/progress.js';
export { linesAboutBoard, type DfuTarget } from './dfu/board-lines.js';
export { runDfuUtil, dfuProgram, type DfuAccess, type RunDfuOptions } from './dfu/run.js';
