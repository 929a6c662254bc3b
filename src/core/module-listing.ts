// The module list Device OS prints for `s` (particle-facts §3) as the rig's
// BoardModule: {"s":size,"l":location,"vc":done,"vv":passed,"u":SHA,"f":func,
// "n":"index","v":version,"d":[{f,n,v}]}. Empty slots (no "f") are left out.
// The same JSON arrives from the `s` command and in spark/status/safe-mode
// events, so it is shared vocabulary, not one transport's.
import type { BoardModule } from './board-contract.js';

const FUNC: Record<string, BoardModule['func']> = {
  b: 'bootloader', s: 'system-part', u: 'user-part', m: 'monolithic', c: 'ncp', a: 'radio-stack',
};
const LOCATION: Record<string, BoardModule['location']> = { m: 'main', b: 'backup', f: 'factory', t: 'temporary' };
const BITS = { integrity: 2, dependencies: 4, range: 8, platform: 16 } as const;

interface RawModule { s?: unknown; l?: unknown; vc?: unknown; vv?: unknown; u?: unknown; f?: unknown; n?: unknown; v?: unknown; d?: unknown }

export interface SystemInfo {
  platformId: number;
  modules: BoardModule[];
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);

/** A check passed unless it was done (vc) and did not pass (vv). */
const passed = (raw: RawModule, bit: number): boolean => (num(raw.vc) & bit) === 0 || (num(raw.vv) & bit) !== 0;

function moduleOf(raw: RawModule): BoardModule | undefined {
  if (typeof raw.f !== 'string') return undefined;
  const deps = Array.isArray(raw.d) ? (raw.d as RawModule[]) : [];
  const func = FUNC[raw.f] ?? 'unknown';
  // Device OS prints the hash upper-case; an all-zero one means "none".
  const hash = func === 'user-part' && typeof raw.u === 'string' && /^[0-9a-f]{64}$/i.test(raw.u) && !/^0+$/.test(raw.u) ? raw.u.toLowerCase() : undefined;
  return {
    func,
    index: num(raw.n),
    version: num(raw.v),
    location: LOCATION[String(raw.l)] ?? 'main',
    maxSize: num(raw.s),
    hash,
    checks: {
      integrity: passed(raw, BITS.integrity),
      dependencies: passed(raw, BITS.dependencies),
      range: passed(raw, BITS.range),
      platform: passed(raw, BITS.platform),
    },
    dependencies: deps.map((d) => ({ func: FUNC[String(d.f)] ?? String(d.f), index: num(d.n), version: num(d.v) })),
  };
}

/** `{"p":<platform>,"m":[...]}` text as platform and modules; undefined when it is not that JSON. */
export function parseSystemInfo(text: string): SystemInfo | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const { p, m } = parsed as { p?: unknown; m?: unknown };
  if (!Array.isArray(m)) return undefined;
  const modules = m.flatMap((raw) => {
    const mod = raw && typeof raw === 'object' ? moduleOf(raw as RawModule) : undefined;
    return mod ? [mod] : [];
  });
  return { platformId: num(p), modules };
}

/** The modules of such JSON text (from `s` or a spark/status/safe-mode event); undefined when it is not that JSON. */
export function modulesFromJson(text: string): BoardModule[] | undefined {
  return parseSystemInfo(text)?.modules;
}
