// The board's flash file system, reduced to what the field failures need:
// a size, a fill level and the app's config flags. A full file system makes
// applying a downloaded OTA image fail after the transfer reported success
// (seed 001).

export interface FileSystemOptions {
  sizeBytes?: number;
  usedPercent?: number;
}

/** Below this much free space the post-download bookkeeping cannot be written. */
const HEADROOM_PERCENT = 1;

export class FileSystem {
  readonly sizeBytes: number;
  private used: number;
  /**
   * Flags the app keeps in its config file (seed 001's "update allowed").
   * The file exists and is rewritten in place, so a flag is written even on
   * a full file system, as in the thread, where the flag worked.
   */
  readonly appFlags = new Set<string>();

  constructor(o: FileSystemOptions, defaultSize: number) {
    this.sizeBytes = o.sizeBytes ?? defaultSize;
    this.used = 0;
    this.fill(o.usedPercent ?? 5);
  }

  get usedPercent(): number {
    return this.used;
  }

  fill(percent: number): void {
    if (!(percent >= 0 && percent <= 100)) {
      throw new TypeError(`Expected a file system fill level between 0 and 100 percent, got ${String(percent)}`);
    }
    this.used = percent;
  }

  get full(): boolean {
    return this.used > 100 - HEADROOM_PERCENT;
  }
}
