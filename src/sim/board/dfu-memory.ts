// The board's flash as DFU sees it: one sparse memory per alt setting, and
// the link between internal flash and the module slots. Modules written by
// DFU are read back from the bytes at the slot's address when the board next
// boots, so a wrong-platform or half-written image is found at boot, as on a
// real board.
import { parseModule } from '../../firmware/parse.js';
import type { PlatformInfo } from '../../core/platform.js';
import { SparseFlash, type FlashWriteResult } from './sparse-flash.js';
import type { Slot, StoredModule } from './slots.js';

const PREFIX_SIZE = 24;

export class DfuMemory {
  private readonly alts = new Map<number, SparseFlash>();
  /** Internal-flash ranges written or erased since the slots were last read back. */
  private dirty: { low: number; high: number; erased: boolean }[] = [];

  constructor(private readonly platform: PlatformInfo) {
    for (const { alt, name } of platform.dfuAlts) this.alts.set(alt, new SparseFlash(name));
  }

  private get internal(): SparseFlash {
    const f = this.alts.get(0);
    if (!f) throw new Error(`${this.platform.name} has no internal flash alt`);
    return f;
  }

  write(alt: number, address: number, data: Buffer): FlashWriteResult {
    const flash = this.alts.get(alt);
    if (!flash) return { ok: false, error: 'address' };
    const r = flash.write(address, data);
    if (r.ok && alt === 0) this.dirty.push({ low: address, high: address + data.length, erased: false });
    return r;
  }

  erase(alt: number, address: number): { ok: true } | { ok: false; error: 'address' } {
    const flash = this.alts.get(alt);
    if (!flash) return { ok: false, error: 'address' };
    const r = flash.eraseSector(address);
    if (!r.ok) return r;
    if (alt === 0) this.dirty.push({ low: r.sector.start, high: r.sector.start + r.sector.size, erased: true });
    return { ok: true };
  }

  read(alt: number, address: number, length: number): Buffer {
    const flash = this.alts.get(alt);
    if (!flash || !flash.contains(address, length)) return Buffer.alloc(0);
    return flash.read(address, length);
  }

  /** Places an installed image in internal flash (the system writes it, not the DFU bootloader). */
  place(image: Buffer, start: number): void {
    if (this.internal.contains(start, image.length)) this.internal.write(start, image, true);
  }

  get changed(): boolean {
    return this.dirty.length > 0;
  }

  /** Re-reads every slot DFU wrote into; returns the slots whose content changed. */
  syncSlots(slots: Slot[]): Slot[] {
    const touched: Slot[] = [];
    for (const slot of slots) {
      if (slot.location !== 'm' || (slot.func !== 'u' && slot.func !== 's')) continue;
      const changes = this.dirty.filter((d) => d.high > slot.start && d.low < slot.start + slot.maxSize);
      if (changes.length === 0) continue;
      // A user part starts at the lowest address written (a P2 part grows
      // downwards; a Gen3 part may use either start); after a bare erase, where it was.
      const writes = changes.filter((d) => !d.erased).map((w) => Math.max(w.low, slot.start));
      const start = slot.func === 's' ? slot.start
        : writes.length > 0 ? Math.min(...writes) : (slot.module?.info.startAddress ?? slot.start);
      slot.module = this.readModule(start, slot.func === 's' ? this.platform.systemPrefixOffset : 0, slot);
      touched.push(slot);
    }
    this.dirty = [];
    return touched;
  }

  private readModule(start: number, prefixOffset: number, slot: Slot): StoredModule | undefined {
    const prefix = this.internal.read(start + prefixOffset, PREFIX_SIZE);
    if (prefix.every((b) => b === 0xff)) return undefined;
    const end = prefix.readUInt32LE(4);
    const length = end - start + 4;
    // A prefix pointing outside the slot: read the slot, the checks will fail it.
    const size = length > 0 && length <= slot.maxSize + (slot.start - start) ? length : Math.min(slot.maxSize, 4096);
    const image = this.internal.read(start, size);
    try {
      return { info: parseModule(image), image };
    } catch {
      return undefined;
    }
  }

  get bytesHeld(): number {
    let n = 0;
    for (const f of this.alts.values()) n += f.bytesHeld;
    return n;
  }
}
