// What a module check reports: one problem, in words, with what to do.

export type ProblemKind = 'length' | 'crc' | 'platform' | 'function' | 'size' | 'address' | 'behaviour';

export interface ModuleProblem {
  kind: ProblemKind;
  message: string;
  fix: string;
}

/** Addresses and CRCs the way Particle tools print them: 0x + 8 hex digits. */
export const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
