// The firmware layer's public face: module binaries parsed, checked against a
// board, described, and made (test apps for the simulated bench).
export { parseModule, readModuleFile, computeSha256 } from './parse.js';
export {
  checkModuleForBoard, checkModuleIntegrity, moduleProblemsError, assertModuleFitsBoard,
  type ExpectedModule, type ModuleProblem, type ProblemKind,
} from './check.js';
export {
  dependencySatisfied, unmetDependencies, parseDependency, defaultSystemDependency, defaultAppRelease,
  type SystemDependency, type SystemPartVersion, type UnmetDependency,
} from './dependency.js';
export {
  AppBehaviourSchema, BEHAVIOUR_MARKER, decodeBehaviour, defaultBehaviour, encodeBehaviour, type AppBehaviour,
} from './behaviour.js';
export { parseBehaviourFlags, parseBehaviourMap, BEHAVIOUR_FLAG_USAGE } from './behaviour-flags.js';
export { makeTestApp, testAppRelease, DEFAULT_APP_SIZE, type MakeTestAppOptions } from './make.js';
export { functionWithArticle, platformLabel } from './names.js';
export { firmwareInfo, type FirmwareInfo, type FirmwareInfoOptions } from './info.js';
export { formatFirmwareInfo, firmwareInfoJson, behaviourText, type FirmwareInfoJson } from './describe.js';
export { firmwareMake, type FirmwareMakeArgs } from './make-args.js';
