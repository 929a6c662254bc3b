// GET_MODULE_INFO (control request 90) from the board's slots, in the shape
// Device OS answers it: `modules` (particle.cloud.FirmwareModule) since
// Device OS 5.6.0 (moduleInfoWithHash), `modules_deprecated` before that
// (particle-usb reads whichever is present).
import { ModuleFunction, type ModuleDependency } from '../../core/domain.js';
import { CheckBits, type ModuleLocation, type SimBoard, type SimModuleSlot } from '../board/contract.js';
import { deviceOsHas } from '../../core/device-os.js';
import { encodeMessage } from './protobuf.js';

const STORE: Record<ModuleLocation, number> = { m: 0, f: 1, b: 2, t: 3 };

// particle.ctrl.FirmwareModuleType (old format) by module function code.
const DEPRECATED_TYPE: Record<number, number> = { 2: 1, 4: 2, 5: 3, 3: 4, 7: 5, 8: 6 };

type PresentSlot = SimModuleSlot & { module: NonNullable<SimModuleSlot['module']> };

const present = (s: SimModuleSlot): s is PresentSlot => s.module !== undefined;

function dependencyOf(d: ModuleDependency, deprecated: boolean): { type: number; index: number; version: number } {
  const code = ModuleFunction[d.func];
  return { type: deprecated ? (DEPRECATED_TYPE[code] ?? 0) : code, index: d.index, version: d.version };
}

function newFormat(slots: PresentSlot[]): object {
  return {
    modules: slots.map(({ module, location, maxSize, index }) => ({
      type: module.info.funcCode,
      index,
      version: module.info.version,
      store: STORE[location],
      maxSize,
      checkedFlags: module.vc,
      passedFlags: module.vv,
      hash: Buffer.from(module.info.sha256, 'hex'),
      dependencies: module.info.dependencies.map((d) => dependencyOf(d, false)),
      size: module.info.fileSize,
    })),
  };
}

function deprecatedFormat(slots: PresentSlot[]): object {
  const failed = (vc: number, vv: number, bit: number): boolean => (vc & bit) !== 0 && (vv & bit) === 0;
  return {
    modulesDeprecated: slots
      .filter((s) => s.location === 'm')
      .map(({ module, index }) => ({
        type: DEPRECATED_TYPE[module.info.funcCode] ?? 0,
        index,
        version: module.info.version,
        size: module.info.fileSize,
        // particle.ctrl.FirmwareModuleValidityFlag: 1 integrity failed, 2 dependencies failed.
        validity:
          (failed(module.vc, module.vv, CheckBits.integrity) ? 1 : 0) |
          (failed(module.vc, module.vv, CheckBits.dependencies) ? 2 : 0),
        dependencies: module.info.dependencies.map((d) => dependencyOf(d, true)),
      })),
  };
}

export function moduleInfoReply(board: SimBoard): Buffer {
  const slots = board.slots().filter(present);
  const modern = deviceOsHas(board.deviceOsVersion, 'moduleInfoWithHash');
  return encodeMessage('GetModuleInfoReply', modern ? newFormat(slots) : deprecatedFormat(slots));
}
