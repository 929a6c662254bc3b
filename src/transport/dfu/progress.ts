// dfu-util draws its progress bar with carriage returns:
// `\rDownload\t[==========               ]  40%        16384 bytes`.
// Fed stdout as it arrives, this reports each new Download percentage (the
// Erase bar that comes first is not the transfer).
export interface DfuProgress {
  percent: number;
  bytes: number;
}

const DOWNLOAD = /^Download\s*\[[= ]*\]\s*(\d{1,3})%\s+(\d+) bytes/;

export class DfuProgressParser {
  #rest = '';
  #last = -1;

  constructor(private readonly onProgress: (p: DfuProgress) => void) {}

  feed(chunk: Buffer | string): void {
    const parts = (this.#rest + chunk.toString()).split(/[\r\n]/);
    this.#rest = parts.pop() ?? '';
    for (const part of parts) this.#line(part);
    // A bar segment is complete once its "bytes" word is there, even before the next \r.
    if (DOWNLOAD.test(this.#rest)) {
      this.#line(this.#rest);
      this.#rest = '';
    }
  }

  #line(text: string): void {
    const m = DOWNLOAD.exec(text);
    if (!m) return;
    const percent = Number(m[1]);
    if (percent === this.#last) return;
    this.#last = percent;
    this.onProgress({ percent, bytes: Number(m[2]) });
  }
}

/** Output lines worth keeping as evidence: no progress bars, no banner, no blank lines. */
export function significantLines(output: string): string[] {
  return output
    .split(/[\r\n]/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(Erase|Download|Upload)\s*\[/.test(l))
    .filter((l) => !/^(dfu-util \d|Copyright |This program is Free Software|Please report bugs)/.test(l));
}
