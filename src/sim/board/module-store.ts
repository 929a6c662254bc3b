// What the board's flash holds: the module slots and, beneath them, the
// bytes DFU reads and writes (dfu-memory.ts). Installs over serial, USB and
// OTA put checked modules in their slots; DFU writes bytes, which become
// modules when the board next boots, so a bad image is found at boot, as on
// a real board.
import { decideBoot, type BootDecision, type BootTarget } from './boot.js';
import type { SimModuleSlot } from './contract.js';
import type { DfuMemory } from './dfu-memory.js';
import { describeSlots, validateForInstall, type CheckedOn, type InstallCheck } from './module-checks.js';
import { findSlot, userSlot, type Slot, type StoredModule } from './slots.js';

export class ModuleStore {
  constructor(
    /** The board's platform and Device OS, which its checks follow. */
    private readonly board: CheckedOn,
    private readonly slots: Slot[],
    /** The flash as DFU sees it, one memory per alt setting. */
    readonly memory: DfuMemory,
  ) {}

  /** Every slot with its check bits, in the order the `s` command lists them. */
  describe(): SimModuleSlot[] {
    return describeSlots(this.slots, this.board);
  }

  /** The module in the user part, if there is one. */
  userModule(): StoredModule | undefined {
    return userSlot(this.slots).module;
  }

  /** What a boot runs, after reading back what DFU wrote since the last one. */
  boot(requested: BootTarget): BootDecision {
    if (this.memory.changed) this.memory.syncSlots(this.slots);
    return decideBoot(this.slots, this.board, requested);
  }

  /** Whether the board installs `image`, and into which slot (module-checks.ts). */
  check(image: Buffer): InstallCheck {
    return validateForInstall(image, this.board, this.slots);
  }

  /** Puts a checked module in its slot and its bytes in flash. */
  install(slot: Slot, module: StoredModule): void {
    slot.module = module;
    if (module.image) this.memory.place(module.image, module.info.startAddress);
  }

  /** The module a download left in the OTA area, if one is there. */
  get staged(): StoredModule | undefined {
    return this.otaArea()?.module;
  }

  set staged(module: StoredModule | undefined) {
    const area = this.otaArea();
    if (area) area.module = module;
  }

  private otaArea(): Slot | undefined {
    return findSlot(this.slots, 'u', 0, 't');
  }
}
