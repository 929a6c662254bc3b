// Module JSON as Device OS writes it in the spark/status/safe-mode event and
// the `s` command (particle-facts §3): {"s","l","vc","vv","u","f","n","v","d"}.
// Read here so a diagnosis can name the unmet dependency when the board
// itself cannot be asked (it is in safe mode, or gone again).
import type { BoardModule } from '../board/types.js';

const FUNC: Record<string, BoardModule['func']> = {
  b: 'bootloader', s: 'system-part', u: 'user-part', m: 'monolithic', c: 'ncp', a: 'radio-stack',
};
const LOCATION: Record<string, BoardModule['location']> = { m: 'main', b: 'backup', f: 'factory', t: 'temporary' };
const BITS = { integrity: 2, dependencies: 4, range: 8, platform: 16 } as const;

interface RawModule {
  s?: unknown; l?: unknown; vc?: unknown; vv?: unknown; u?: unknown; f?: unknown; n?: unknown; v?: unknown; d?: unknown;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
}

/** A check passed unless it was done (vc) and did not pass (vv). */
function passed(raw: RawModule, bit: number): boolean {
  return (num(raw.vc) & bit) === 0 || (num(raw.vv) & bit) !== 0;
}

function toModule(raw: RawModule): BoardModule | undefined {
  if (typeof raw.f !== 'string') return undefined; // an empty slot
  const deps = Array.isArray(raw.d) ? (raw.d as RawModule[]) : [];
  return {
    func: FUNC[raw.f] ?? 'unknown',
    index: num(raw.n),
    version: num(raw.v),
    location: LOCATION[String(raw.l)] ?? 'main',
    maxSize: num(raw.s),
    hash: typeof raw.u === 'string' ? raw.u.toLowerCase() : undefined,
    checks: {
      integrity: passed(raw, BITS.integrity), dependencies: passed(raw, BITS.dependencies),
      range: passed(raw, BITS.range), platform: passed(raw, BITS.platform),
    },
    dependencies: deps.map((d) => ({ func: FUNC[String(d.f)] ?? String(d.f), index: num(d.n), version: num(d.v) })),
  };
}

/** The modules in `{"m":[...]}` JSON text; undefined when the text is not such JSON. */
export function modulesFromJson(text: string): BoardModule[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = (parsed as { m?: unknown } | null)?.m;
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((raw) => (raw && typeof raw === 'object' ? [toModule(raw as RawModule)].filter((m) => m !== undefined) : []));
}
