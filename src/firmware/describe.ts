// The text and JSON of `rig firmware info`: one "Label: value" line per fact,
// in the order a firmware engineer reads a module (who, what, where, checks).
import type { ModuleDependency, ModuleInfo } from '../core/domain.js';
import type { AppBehaviour } from './behaviour.js';
import { functionWord, platformLabel } from './names.js';
import type { FirmwareInfo } from './info.js';
import { hex32, type ModuleProblem } from './problem.js';

const FLAG_NAMES: [number, string][] = [
  [0x01, 'drop module info'], [0x02, 'compressed'], [0x04, 'combined'], [0x08, 'encrypted'], [0x10, 'prefix extensions'],
];

const NOT_PRODUCT = 0xffff;

function functionText(info: ModuleInfo): string {
  return `${functionWord(info.func) ?? 'unknown'} (${info.funcCode}), index ${info.index}`;
}

function flagsText(flags: number): string {
  if (flags === 0) return 'none';
  const names = FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name);
  return `0x${flags.toString(16).padStart(2, '0')} ${names.join(', ')}`.trim();
}

function dependencyText(d: ModuleDependency): string {
  return `${functionWord(d.func) ?? d.func} ${d.index} version ${d.version}`;
}

function productText(info: ModuleInfo): string {
  if (info.productId === NOT_PRODUCT) return 'none (not a product build)';
  return `${info.productId}, version ${info.productVersion}`;
}

export function behaviourText(b: AppBehaviour): string {
  const parts = [`version ${b.version}`, `${b.logRate} log lines/s`];
  if (b.logMessage) parts.push(`log message "${b.logMessage}"`);
  if (b.blocksCloudInSetup) parts.push('blocks the cloud in setup');
  if (b.systemThread) parts.push('system thread');
  if (b.disablesUpdates) parts.push(b.updateFunction ? `disables updates until ${b.updateFunction}() is called` : 'disables updates');
  if (b.fillsFs > 0) parts.push(`fills the file system to ${b.fillsFs}%`);
  if (b.crash) parts.push(`${b.crash.kind} after ${b.crash.afterMs} ms`);
  if (b.publishes) parts.push(`publishes ${b.publishes.name} every ${b.publishes.periodMs} ms`);
  return parts.join(', ');
}

function line(label: string, value: string): string {
  return `${`${label}:`.padEnd(14)}${value}`;
}

export function formatFirmwareInfo({ file, info, problems, behaviour }: FirmwareInfo): string {
  const crcOk = info.crcStored === info.crcComputed;
  const lines = [
    line('File', file),
    line('Platform', platformLabel(info.platformId)),
    line('Function', functionText(info)),
    line('Version', String(info.version)),
    line('Addresses', `${hex32(info.startAddress)} - ${hex32(info.endAddress)}`),
    line('Size', `${info.fileSize} bytes (suffix ${info.suffixSize} bytes)`),
    line('Flags', flagsText(info.flags)),
    line('Depends on', info.dependencies.length ? info.dependencies.map(dependencyText).join('; ') : 'nothing'),
    line('Product', productText(info)),
    line('SHA-256', info.sha256),
    line('CRC-32', `stored ${hex32(info.crcStored)}, computed ${hex32(info.crcComputed)} ${crcOk ? 'OK' : 'MISMATCH'}`),
    line('Behaviour', behaviour ? behaviourText(behaviour) : 'none (not a rig test app)'),
  ];
  lines.push(line('Checks', problems.length ? 'FAILED' : 'OK'));
  for (const p of problems) lines.push(`  - ${p.message} (${p.fix})`);
  return lines.join('\n') + '\n';
}

export interface FirmwareInfoJson {
  file: string;
  module: ModuleInfo;
  crcOk: boolean;
  problems: ModuleProblem[];
  behaviour: AppBehaviour | null;
}

export function firmwareInfoJson({ file, info, problems, behaviour }: FirmwareInfo): FirmwareInfoJson {
  return { file, module: info, crcOk: info.crcStored === info.crcComputed, problems, behaviour: behaviour ?? null };
}
