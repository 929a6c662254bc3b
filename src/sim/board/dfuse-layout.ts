// The memory map a DfuSe alt setting publishes ("@Internal Flash /0x08000000/
// 03*016Ka,01*016Kg,..."), parsed into sectors. The board uses it to refuse
// writes outside flash or into read-only sectors and to erase whole sectors,
// so the simulated flash has exactly the geometry dfu-util is told about.

export interface Sector {
  start: number;
  size: number;
  writable: boolean;
  erasable: boolean;
}

const UNIT: Record<string, number> = { ' ': 1, B: 1, K: 1024, M: 1024 * 1024 };

export function parseDfuseLayout(name: string): Sector[] {
  const m = /^@[^/]*\/\s*(0x[0-9a-f]+)\/(.+)$/i.exec(name.trim());
  if (!m || m[1] === undefined || m[2] === undefined) throw new TypeError(`Expected a DfuSe memory descriptor, got ${JSON.stringify(name)}`);
  let at = Number.parseInt(m[1], 16);
  const sectors: Sector[] = [];
  for (const group of m[2].split(',')) {
    const g = /^(\d+)\*(\d+)([ BKM])([a-g])$/.exec(group.trim());
    if (!g) throw new TypeError(`Expected a DfuSe sector group such as 03*016Ka, got ${JSON.stringify(group)}`);
    const count = Number(g[1]);
    const size = Number(g[2]) * (UNIT[g[3] ?? ' '] ?? 1);
    // DfuSe letters a..g encode readable(1) | erasable(2) | writable(4), a = 1.
    const bits = (g[4] ?? 'a').charCodeAt(0) - 'a'.charCodeAt(0) + 1;
    for (let i = 0; i < count; i++) {
      sectors.push({ start: at, size, erasable: (bits & 2) !== 0, writable: (bits & 4) !== 0 });
      at += size;
    }
  }
  return sectors;
}

export function sectorAt(sectors: readonly Sector[], address: number): Sector | undefined {
  return sectors.find((s) => address >= s.start && address < s.start + s.size);
}
