// `rig boards --queue URL`: the lab's boards from its registry, every host's,
// online while the host's agent keeps its heartbeat.
import { connectLab } from '../../lab/connection.js';
import { labBoards, type LabBoard } from '../../lab/registry.js';
import { ExitCode } from '../../core/errors.js';

const COLUMNS = ['HOST', 'NAME', 'PLATFORM', 'DEVICE ID', 'STATE', 'HEALTH', 'AGENT'] as const;

function healthText(b: LabBoard): string {
  if (b.health.state === 'unhealthy') return `UNHEALTHY: ${b.health.reason}`;
  return b.health.state;
}

function row(b: LabBoard): string[] {
  return [b.host, b.name, b.platform, b.id, b.online ? 'online' : 'offline', healthText(b), b.agent];
}

function table(rows: string[][]): string {
  const all = [[...COLUMNS], ...rows];
  const width = COLUMNS.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => c.padEnd(width[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export async function labBoardsCommand(opts: { queue: string; json?: boolean }): Promise<number> {
  const lab = await connectLab(opts.queue);
  try {
    const boards = await labBoards(lab.redis);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ lab: lab.address.display, boards }, null, 2)}\n`);
    } else {
      process.stdout.write(`lab ${lab.address.display}: ${boards.length} board(s), ${boards.filter((b) => b.online).length} online\n${table(boards.map(row))}`);
    }
    return ExitCode.ok;
  } finally {
    await lab.close();
  }
}
