// The one platform table. Everything platform-specific (IDs, USB PIDs, flash
// addresses, generations, DFU memory layout) is derived from here; a test
// cross-checks it against @particle/device-constants.

export type PlatformName = 'photon' | 'p1' | 'electron' | 'argon' | 'boron' | 'xenon' | 'p2';
export type Generation = 2 | 3 | 4;
export type Radio = 'wifi' | 'cellular' | 'mesh';

export interface FlashRegion {
  /** First byte address. */
  start: number;
  /** Maximum size in bytes. */
  maxSize: number;
}

/** Where the system parts and the user part sit in a board's flash. */
export interface FlashLayout {
  /** System parts by index: start address and max size. */
  systemParts: Record<number, FlashRegion>;
  /**
   * User part slot. Gen2 and Gen3 have a fixed start; on the P2 the part
   * grows downwards and ends at `userPartEnd`.
   */
  userPart: FlashRegion & { growsLeft: boolean };
}

/** A layout of older Device OS releases: it holds for every release before `until`. */
export interface EarlierLayout extends FlashLayout {
  until: string;
}

/** `systemParts` and `userPart` are the layout of today's Device OS; `earlierLayouts` say how older releases differ. */
export interface PlatformInfo extends FlashLayout {
  name: PlatformName;
  displayName: string;
  id: number;
  generation: Generation;
  radio: Radio;
  /** USB product ID in normal (CDC serial) mode: 0xC000 + id. */
  serialPid: number;
  /** USB product ID in DFU mode: 0xD000 + id. */
  dfuPid: number;
  /** Where the user part slot ends, in every layout (a P2 part is pinned there). */
  userPartEnd: number;
  /** Oldest first; empty where the layout never changed. Device OS's own table is src/core/device-os.ts. */
  earlierLayouts: readonly EarlierLayout[];
  bootloader: FlashRegion;
  /** Offset of the module prefix inside a system part binary. */
  systemPrefixOffset: number;
  /** DFU alt settings and their interface names (DfuSe memory descriptors). */
  dfuAlts: { alt: number; name: string }[];
  /** OTA: seconds without progress before the board gives up (update_timeout). */
  otaStallTimeoutS: number;
}

const KB = 1024;

function platform(p: Omit<PlatformInfo, 'serialPid' | 'dfuPid'>): PlatformInfo {
  return { ...p, serialPid: 0xc000 + p.id, dfuPid: 0xd000 + p.id };
}

// DfuSe memory descriptors as the boards' DFU bootloaders publish them.
const GEN2_INTERNAL = '@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg';
const GEN2_DCT = '@DCT Flash   /0x00000000/01*016Kg';
const GEN3_INTERNAL = '@Internal Flash   /0x00000000/1*004Ka,47*004Kg,192*004Kg,4*004Ka,12*004Kg';
const GEN3_DCT = '@DCT Flash   /0x00000000/01*016Kg';
const GEN3_EXTERNAL = '@External Flash   /0x80000000/1024*004Kg';
const P2_INTERNAL = '@Internal Flash   /0x08000000/2048*004Kg';

const gen2 = {
  generation: 2 as const,
  earlierLayouts: [],
  bootloader: { start: 0x08000000, maxSize: 16 * KB },
  systemPrefixOffset: 0x184,
  dfuAlts: [
    { alt: 0, name: GEN2_INTERNAL },
    { alt: 1, name: GEN2_DCT },
  ],
};

const gen3 = {
  generation: 3 as const,
  bootloader: { start: 0x000f4000, maxSize: 48 * KB },
  systemPrefixOffset: 0x200,
  // Device OS 3.1+ layout: system part 1 ends where the 256 KB user part starts.
  systemParts: { 1: { start: 0x00030000, maxSize: 0x000b4000 - 0x00030000 } },
  userPart: { start: 0x000b4000, maxSize: 256 * KB, growsLeft: false },
  userPartEnd: 0x000f4000,
  // Before 3.1 the user part was 128 KB at 0x000D4000 and system part 1 ran up to it
  // (device-os v3.0.0 vs v3.1.0: modules/argon/modular.mk, hal/src/nRF52840/ota_module_bounds.c).
  earlierLayouts: [{
    until: '3.1.0',
    systemParts: { 1: { start: 0x00030000, maxSize: 0x000d4000 - 0x00030000 } },
    userPart: { start: 0x000d4000, maxSize: 128 * KB, growsLeft: false },
  }],
  dfuAlts: [
    { alt: 0, name: GEN3_INTERNAL },
    { alt: 1, name: GEN3_DCT },
    { alt: 2, name: GEN3_EXTERNAL },
  ],
  otaStallTimeoutS: 300,
};

export const PLATFORMS: Readonly<Record<PlatformName, PlatformInfo>> = {
  photon: platform({
    ...gen2,
    name: 'photon', displayName: 'Photon', id: 6, radio: 'wifi',
    userPart: { start: 0x080a0000, maxSize: 128 * KB, growsLeft: false },
    userPartEnd: 0x080c0000,
    systemParts: { 1: { start: 0x08020000, maxSize: 256 * KB }, 2: { start: 0x08060000, maxSize: 256 * KB } },
    otaStallTimeoutS: 30,
  }),
  p1: platform({
    ...gen2,
    name: 'p1', displayName: 'P1', id: 8, radio: 'wifi',
    userPart: { start: 0x080a0000, maxSize: 128 * KB, growsLeft: false },
    userPartEnd: 0x080c0000,
    systemParts: { 1: { start: 0x08020000, maxSize: 256 * KB }, 2: { start: 0x08060000, maxSize: 256 * KB } },
    otaStallTimeoutS: 30,
  }),
  electron: platform({
    ...gen2,
    name: 'electron', displayName: 'Electron', id: 10, radio: 'cellular',
    userPart: { start: 0x08080000, maxSize: 128 * KB, growsLeft: false },
    userPartEnd: 0x080a0000,
    systemParts: {
      1: { start: 0x08020000, maxSize: 128 * KB },
      2: { start: 0x08040000, maxSize: 128 * KB },
      3: { start: 0x08060000, maxSize: 128 * KB },
    },
    otaStallTimeoutS: 300,
  }),
  argon: platform({ ...gen3, name: 'argon', displayName: 'Argon', id: 12, radio: 'wifi' }),
  boron: platform({ ...gen3, name: 'boron', displayName: 'Boron', id: 13, radio: 'cellular' }),
  xenon: platform({ ...gen3, name: 'xenon', displayName: 'Xenon', id: 14, radio: 'mesh' }),
  p2: platform({
    name: 'p2', displayName: 'P2', id: 32, generation: 4, radio: 'wifi', earlierLayouts: [],
    bootloader: { start: 0x08000000, maxSize: 64 * KB },
    systemPrefixOffset: 0,
    systemParts: { 1: { start: 0x08060000, maxSize: 1536 * KB } },
    userPart: { start: 0x08600000 - 1536 * KB, maxSize: 1536 * KB, growsLeft: true },
    userPartEnd: 0x08600000,
    dfuAlts: [{ alt: 0, name: P2_INTERNAL }],
    otaStallTimeoutS: 300,
  }),
};

export const PLATFORM_NAMES = Object.keys(PLATFORMS) as PlatformName[];

export function platformByName(name: string): PlatformInfo | undefined {
  return (PLATFORMS as Record<string, PlatformInfo>)[name.toLowerCase()];
}

export function platformById(id: number): PlatformInfo | undefined {
  return PLATFORM_NAMES.map((n) => PLATFORMS[n]).find((p) => p.id === id);
}

export function platformByPid(pid: number): { platform: PlatformInfo; dfu: boolean } | undefined {
  for (const n of PLATFORM_NAMES) {
    const p = PLATFORMS[n];
    if (p.serialPid === pid) return { platform: p, dfu: false };
    if (p.dfuPid === pid) return { platform: p, dfu: true };
  }
  return undefined;
}

/** Where a user part of `size` bytes (file length) starts in a layout (default: today's) of this platform. */
export function userPartAddress(p: PlatformInfo, size: number, layout: FlashLayout = p): number {
  return layout.userPart.growsLeft ? p.userPartEnd - size : layout.userPart.start;
}

/**
 * The network kinds a board of the platform reaches the cloud over
 * (particle-facts §11): its own radio; a Xenon's mesh goes through a gateway,
 * an Argon's Wi-Fi or a Boron's cellular link.
 */
export function cloudLinkKinds(p: PlatformInfo): ('wifi' | 'cellular')[] {
  return p.radio === 'mesh' ? ['wifi', 'cellular'] : [p.radio];
}

export const PARTICLE_VID = 0x2b04;
