// Turns a board's serial bytes into lines, each stamped with the arrival of
// its first byte, and renders them for trace.log as the bytes arrive: one
// line per board line, `<ISO time> <raw bytes>\n`. The CR of a CRLF ending is
// dropped; every other byte is written as received (not re-encoded).
export interface AssembledLine {
  /** Date.now() when the line's first byte arrived. */
  at: number;
  /** Decoded as UTF-8 (bytes that are not become U+FFFD); no CR/LF. */
  text: string;
}

export interface Assembled {
  lines: AssembledLine[];
  /** What to append to trace.log for these bytes. */
  trace: Buffer[];
}

const LF = 0x0a;
const CR = 0x0d;
const CR_BYTE = Buffer.of(CR);
const NEWLINE = Buffer.of(LF);

export class LineAssembler {
  #parts: Buffer[] = [];
  /** Set while a line has begun and not ended. */
  #lineAt: number | undefined;
  /** A CR at the end of a chunk: the line's ending if LF follows, a byte of it otherwise. */
  #heldCr = false;

  feed(chunk: Buffer, at: number): Assembled {
    const out: Assembled = { lines: [], trace: [] };
    let from = 0;
    while (from < chunk.length) {
      if (this.#lineAt === undefined) {
        this.#lineAt = at;
        out.trace.push(this.#stamp(at));
      }
      const nl = chunk.indexOf(LF, from);
      const ends = nl >= 0;
      let seg = chunk.subarray(from, ends ? nl : chunk.length);
      from = ends ? nl + 1 : chunk.length;
      if (this.#heldCr) {
        this.#heldCr = false;
        if (!(ends && seg.length === 0)) this.#add(CR_BYTE, out);
      }
      if (seg.at(-1) === CR) {
        seg = seg.subarray(0, -1);
        if (!ends) this.#heldCr = true;
      }
      this.#add(seg, out);
      if (ends) this.#endLine(out);
    }
    return out;
  }

  /** Ends a partial line (the port went away, or the capture closes). */
  flush(): Assembled {
    const out: Assembled = { lines: [], trace: [] };
    if (this.#heldCr) this.#add(CR_BYTE, out);
    this.#heldCr = false;
    if (this.#lineAt !== undefined) this.#endLine(out);
    return out;
  }

  #stampAt = NaN;
  #stampBytes = Buffer.alloc(0);

  /** `<ISO time> `; lines of one chunk share their arrival time, so the text is made once. */
  #stamp(at: number): Buffer {
    if (at !== this.#stampAt) {
      this.#stampAt = at;
      this.#stampBytes = Buffer.from(`${new Date(at).toISOString()} `, 'latin1');
    }
    return this.#stampBytes;
  }

  #add(bytes: Buffer, out: Assembled): void {
    if (bytes.length === 0) return;
    // Copies: the chunk's memory may be reused by the stream after this call.
    const copy = Buffer.from(bytes);
    this.#parts.push(copy);
    out.trace.push(copy);
  }

  #endLine(out: Assembled): void {
    const text = Buffer.concat(this.#parts).toString('utf8');
    out.lines.push({ at: this.#lineAt ?? Date.now(), text });
    out.trace.push(NEWLINE);
    this.#parts = [];
    this.#lineAt = undefined;
  }
}
