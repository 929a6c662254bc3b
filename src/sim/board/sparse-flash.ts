// Sparse flash memory of one DFU alt setting. Only written pages hold a
// buffer; everything else reads as erased (0xFF), so a board with a 1 MB map
// costs only the bytes actually written to it.
import { parseDfuseLayout, sectorAt, type Sector } from './dfuse-layout.js';

const PAGE = 4096;

export type FlashWriteResult = { ok: true } | { ok: false; error: 'address' | 'write' };

export class SparseFlash {
  readonly sectors: Sector[];
  private readonly pages = new Map<number, Buffer>();

  constructor(descriptor: string) {
    this.sectors = parseDfuseLayout(descriptor);
  }

  contains(address: number, length = 1): boolean {
    return sectorAt(this.sectors, address) !== undefined && sectorAt(this.sectors, address + Math.max(1, length) - 1) !== undefined;
  }

  /** Writes as a bootloader does: refused outside the map or into a read-only sector. */
  write(address: number, data: Buffer, force = false): FlashWriteResult {
    if (!this.contains(address, data.length)) return { ok: false, error: 'address' };
    if (!force) {
      for (let a = address; a < address + data.length; a += PAGE) {
        if (!sectorAt(this.sectors, a)?.writable) return { ok: false, error: 'write' };
      }
    }
    let done = 0;
    while (done < data.length) {
      const addr = address + done;
      const base = addr - (addr % PAGE);
      const page = this.page(base);
      const n = Math.min(PAGE - (addr - base), data.length - done);
      data.copy(page, addr - base, done, done + n);
      done += n;
    }
    return { ok: true };
  }

  /** Erases the whole sector holding `address`, as DfuSe ERASE does. */
  eraseSector(address: number): { ok: true; sector: Sector } | { ok: false; error: 'address' } {
    const s = sectorAt(this.sectors, address);
    if (!s) return { ok: false, error: 'address' };
    this.erase(s.start, s.size);
    return { ok: true, sector: s };
  }

  erase(address: number, length: number): void {
    for (const base of [...this.pages.keys()]) {
      if (base + PAGE > address && base < address + length) {
        const page = this.pages.get(base);
        if (!page) continue;
        const from = Math.max(address, base) - base;
        const to = Math.min(address + length, base + PAGE) - base;
        page.fill(0xff, from, to);
        if (page.every((b) => b === 0xff)) this.pages.delete(base);
      }
    }
  }

  read(address: number, length: number): Buffer {
    const out = Buffer.alloc(length, 0xff);
    for (let done = 0; done < length; ) {
      const addr = address + done;
      const base = addr - (addr % PAGE);
      const n = Math.min(PAGE - (addr - base), length - done);
      this.pages.get(base)?.copy(out, done, addr - base, addr - base + n);
      done += n;
    }
    return out;
  }

  /** True when any byte in the range was ever written (and not erased). */
  touched(address: number, length: number): boolean {
    for (const base of this.pages.keys()) if (base + PAGE > address && base < address + length) return true;
    return false;
  }

  /** Lowest written address inside the range, if any (finds a P2 user part that grows downwards). */
  lowestWritten(address: number, length: number): number | undefined {
    const bases = [...this.pages.keys()].filter((b) => b + PAGE > address && b < address + length).sort((a, b) => a - b);
    const first = bases[0];
    if (first === undefined) return undefined;
    const page = this.pages.get(first);
    const offset = page ? page.findIndex((b) => b !== 0xff) : 0;
    return Math.max(address, first + Math.max(0, offset));
  }

  get bytesHeld(): number {
    return this.pages.size * PAGE;
  }

  private page(base: number): Buffer {
    let p = this.pages.get(base);
    if (!p) {
      p = Buffer.alloc(PAGE, 0xff);
      this.pages.set(base, p);
    }
    return p;
  }
}
