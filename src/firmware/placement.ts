// Does a module sit where the board keeps modules of its kind, and does it
// fit there? Slots come from the platform table only: without the board's
// Device OS, a user part may use the slot of any release (the plan checks a
// made app against a simulated board's own release, src/plan/board-fit.ts).
import type { ModuleInfo } from '../core/domain.js';
import { acceptedUserPartStarts } from '../core/device-os.js';
import type { PlatformInfo } from '../core/platform.js';
import { hex32, type ModuleProblem } from './problem.js';

function tooBig(what: string, length: number, capacity: number, platform: PlatformInfo): ModuleProblem {
  return {
    kind: 'size',
    message: `too big for the ${what} slot: ${length} bytes, ${platform.name}'s slot holds ${capacity}`,
    fix: 'make the module smaller',
  };
}

function userPart(info: ModuleInfo, p: PlatformInfo): ModuleProblem[] {
  const length = info.endAddress - info.startAddress + 4;
  const starts = acceptedUserPartStarts(p);
  if (starts === 'grows-left') {
    // The part ends at userPartEnd whatever its size; it may not reach below the slot.
    const problems: ModuleProblem[] = [];
    if (length > p.userPart.maxSize) problems.push(tooBig('user part', length, p.userPart.maxSize, p));
    else if (info.startAddress + length !== p.userPartEnd) {
      problems.push({
        kind: 'address',
        message: `address ${hex32(info.startAddress)} is outside the user part slot: ${p.name} user parts end at ${hex32(p.userPartEnd)}, so one of ${length} bytes starts at ${hex32(p.userPartEnd - length)}`,
        fix: `rebuild it for ${p.name}`,
      });
    }
    return problems;
  }
  if (!starts.includes(info.startAddress)) {
    return [{
      kind: 'address',
      message: `address ${hex32(info.startAddress)} is outside the user part slot: ${p.name} user parts start at ${starts.map(hex32).join(' or ')}`,
      fix: `rebuild it for ${p.name}`,
    }];
  }
  // The slot runs from its start to userPartEnd (128 KB at 0x000d4000 on Gen3, 256 KB at 0x000b4000).
  const capacity = p.userPartEnd - info.startAddress;
  return length > capacity ? [tooBig('user part', length, capacity, p)] : [];
}

function systemPart(info: ModuleInfo, p: PlatformInfo): ModuleProblem[] {
  const slot = p.systemParts[info.index];
  if (!slot) {
    const have = Object.keys(p.systemParts).join(', ');
    return [{ kind: 'address', message: `${p.name} has no system part ${info.index} (it has ${have})`, fix: `use a system part built for ${p.name}` }];
  }
  const length = info.endAddress - info.startAddress + 4;
  const problems: ModuleProblem[] = [];
  if (info.startAddress !== slot.start) {
    problems.push({
      kind: 'address',
      message: `address ${hex32(info.startAddress)} is outside the slot of system part ${info.index}: on ${p.name} it starts at ${hex32(slot.start)}`,
      fix: `use system part ${info.index} built for ${p.name}`,
    });
  }
  if (length > slot.maxSize) problems.push(tooBig(`system part ${info.index}`, length, slot.maxSize, p));
  return problems;
}

export function checkPlacement(info: ModuleInfo, platform: PlatformInfo): ModuleProblem[] {
  if (info.func === 'userPart') return userPart(info, platform);
  if (info.func === 'systemPart') return systemPart(info, platform);
  if (info.func === 'bootloader') {
    const length = info.endAddress - info.startAddress + 4;
    return length > platform.bootloader.maxSize ? [tooBig('bootloader', length, platform.bootloader.maxSize, platform)] : [];
  }
  return [];
}
