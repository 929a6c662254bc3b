// The `rig` command. Each sub-command lives in its own module under commands/
// and is loaded only when used, so `rig --help` stays instant.
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../core/errors.js';
import { reportAndExit } from './exit.js';
import { rigVersion } from './version.js';
import type { FirmwareMakeArgs } from '../firmware/index.js';
import type { RunOptions } from './commands/run.js';
import type { HistoryOptions } from './commands/history.js';
import type { BoardsOptions } from './commands/boards.js';
import type { AgentCommandOptions } from './commands/agent.js';
import { collectSet } from './set-option.js';

const SET_HELP = 'value of ${NAME} in the plans\' firmware paths, over the environment and the plan\'s env (a relative FILE is from the current folder; once per variable)';

export function buildProgram(): Command {
  const program = new Command('rig')
    .description('Hardware-in-the-loop test rig for Particle boards')
    .version(rigVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions()
    .exitOverride();

  program
    .command('run')
    .description('run plans on the boards of a bench and write reports (TAP, JUnit, JSON, HTML)')
    .argument('<plans...>', 'plan files (YAML), folders of plans, or quoted globs like "plans/**/*.yaml"')
    .option('--bench <file>', 'bench file (default: rig/bench.yaml, else rig/sim.yaml)')
    .option('--board <name...>', 'run only on these boards of the bench: name or device ID (with --queue also NAME@HOST, where two hosts have a board of the same name)')
    .option('--report-dir <dir>', 'folder for this run\'s reports (default reports/<run-id>)')
    .option('--tap <file>', 'also write the TAP report here')
    .option('--junit <file>', 'also write the JUnit XML report here')
    .option('--json <file>', 'also write the JSON report here')
    .option('--html <dir>', 'also write the HTML report (index.html) into this folder')
    .option('--repeat <n>', 'run each plan n times on each board')
    .option('--lock-wait <duration>', 'how long to wait for a board another run is using (default 30s; with --queue, how long a job waits in its board\'s queue behind other runs, default 1h)')
    .option('--history <file>', 'history database to record the run in and compare with (default $RIG_HISTORY, else history.db next to the run folder)')
    .option('--no-history', 'record nothing and compare with nothing')
    .option('--no-health', 'skip the health check each board gets before its first job')
    .option('--set <NAME=FILE>', SET_HELP, collectSet)
    .option('--queue <url>', 'run across the lab\'s bench hosts instead: redis://HOST:PORT (password in RIG_REDIS_PASSWORD or RIG_REDIS_PASSWORD_FILE); boards from its registry')
    .action(async (plans: string[], opts: RunOptions) => {
      const { runCommand } = await import('./commands/run.js');
      process.exitCode = await runCommand(plans, opts);
    });

  program
    .command('report')
    .description('write a run folder\'s HTML report (index.html, each board\'s timeline.ndjson) again from its report.json and artifacts')
    .argument('<run-dir>', 'the run folder, e.g. reports/<run-id>')
    .option('--html <dir>', 'also write index.html into this folder')
    .action(async (runDir: string, opts: { html?: string }) => {
      const { rebuildHtml } = await import('../report/rebuild.js');
      const pages = await rebuildHtml(runDir, opts.html !== undefined ? { htmlDir: opts.html } : {});
      process.stderr.write(`report: ${pages.join(', ')}\n`);
    });

  program
    .command('history')
    .description('the last runs of each plan on each board from the history, with pass rates')
    .option('--history <file>', 'history database (default $RIG_HISTORY, else reports/history.db)')
    .option('--plan <name...>', 'only these plans')
    .option('--board <name...>', 'only these boards (name or device ID)')
    .option('--last <n>', 'how many recent runs of each (default 10)')
    .option('--steps', 'also each step of each plan on each board')
    .option('--json', 'print JSON')
    .action(async (opts: HistoryOptions) => {
      const { historyCommand } = await import('./commands/history.js');
      process.exitCode = historyCommand(opts);
    });

  program
    .command('boards')
    .description('list the bench\'s boards: name, platform, device ID, mode, port, health; with --queue the whole lab\'s')
    .option('--bench <file>', 'bench file (default: rig/bench.yaml, else rig/sim.yaml)')
    .option('--queue <url>', 'list the lab\'s boards from its registry instead: redis://HOST:PORT (password in RIG_REDIS_PASSWORD or RIG_REDIS_PASSWORD_FILE)')
    .option('--json', 'print JSON')
    .option('--health', 'check each board now (on USB, control request, serial port, online) as a run does first; exit 3 when one is unhealthy')
    .option('--history <file>', 'history whose recorded health is shown (default $RIG_HISTORY, else reports/history.db)')
    .action(async (opts: BoardsOptions) => {
      const { boardsCommand } = await import('./commands/boards.js');
      process.exitCode = await boardsCommand(opts);
    });

  program
    .command('agent')
    .description('a bench host in the lab: registers its bench\'s boards in Redis with a heartbeat and takes their jobs until SIGTERM/SIGINT; checks a board\'s health at start, before each run\'s first job on it, and while it is unhealthy')
    .requiredOption('--queue <url>', 'the lab\'s Redis: redis://HOST:PORT (password in RIG_REDIS_PASSWORD or RIG_REDIS_PASSWORD_FILE, never in the URL)')
    .option('--bench <file>', 'bench file (default: rig/bench.yaml, else rig/sim.yaml)')
    .option('--host <name>', 'this host\'s name in the lab (default the machine\'s host name)')
    .option('--recheck <duration>', 'how often an unhealthy board is looked at again, so it serves again once it is back (default 30s)')
    .action(async (opts: AgentCommandOptions) => {
      const { agentCommand } = await import('./commands/agent.js');
      process.exitCode = await agentCommand(opts);
    });

  program
    .command('inspect')
    .description('what runs on a board: mode, modules, app hash, last reset')
    .argument('<board>', 'board name (or device ID) from the bench file')
    .option('--bench <file>', 'bench file (default: rig/bench.yaml, else rig/sim.yaml)')
    .option('--json', 'print JSON')
    .action(async (board: string, opts: { bench?: string; json?: boolean }) => {
      const { inspectCommand } = await import('./commands/inspect.js');
      process.exitCode = await inspectCommand(board, opts);
    });

  program
    .command('validate')
    .description('check plans, their firmware files and the bench without touching a board')
    .argument('<plans...>', 'plan files (YAML)')
    .option('--bench <file>', 'bench file (default: rig/bench.yaml, else rig/sim.yaml)')
    .option('--set <NAME=FILE>', SET_HELP, collectSet)
    .action(async (plans: string[], opts: { bench?: string; set?: string[] }) => {
      const { validateCommand } = await import('./commands/validate.js');
      process.exitCode = await validateCommand(plans, opts);
    });

  program
    .command('sim')
    .description('run the simulated bench in the foreground until Ctrl-C (SIGINT/SIGTERM)')
    .option('--bench <file>', 'bench file with simulator: true (default: rig/bench.yaml, else rig/sim.yaml)')
    .option('--json', 'print one JSON object per line (each board, then ready); end of a piped stdin also stops it')
    .option('--usbip <[host:]port>', 'also serve the boards over USB/IP (a Linux kernel attaches them with vhci-hcd); their serial ports are then USB CDC-ACM, not PTYs (host default 127.0.0.1, port 0 = any)')
    .action(async (opts: { bench?: string; json?: boolean; usbip?: string }) => {
      const { simCommand } = await import('./commands/sim.js');
      process.exitCode = await simCommand(opts);
    });

  const firmware = program.command('firmware').description('inspect and make Particle module binaries');
  firmware
    .command('info')
    .description('print a module binary\'s prefix, suffix and checks (CRC, SHA-256)')
    .argument('<file>', 'module binary (.bin)')
    .option('--platform <name>', 'also check the binary against this platform')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { platform?: string; json?: boolean }) => {
      const { firmwareInfoCommand } = await import('./commands/firmware.js');
      process.exitCode = await firmwareInfoCommand(file, opts);
    });
  firmware
    .command('make')
    .description('write a valid test app (user part) for the simulated bench')
    .requiredOption('--platform <name>', 'photon, p1, electron, argon, boron, xenon or p2')
    .option('--version <n>', 'module version of the app (default 1)')
    .option('--device-os <release>', 'Device OS release the app is built with: its user part slot and dependency (default 1.1.0; 5.0.0 on the P2)')
    .option('--depends <dep...>', 'dependency such as system@1406 or system-part2@1406')
    .option('--size <bytes>', 'file size in bytes')
    .option('--behaviour <list>', 'how the app behaves, e.g. blocks-cloud-in-setup,log-rate=10')
    .option('--product-id <n>', 'product ID in the suffix')
    .option('--product-version <n>', 'product version in the suffix')
    .requiredOption('-o, --output <file>', 'where to write the binary')
    .action(async (opts: FirmwareMakeArgs & { output: string }) => {
      const { firmwareMakeCommand } = await import('./commands/firmware.js');
      process.exitCode = await firmwareMakeCommand(opts);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    exitOnceDrained();
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message; help and version are not errors.
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
      process.exit(ok ? ExitCode.ok : ExitCode.badInput);
    }
    reportAndExit(err);
  }
}

/** How long a finished command's output gets to drain before the process ends regardless. */
const DRAIN_MS = 3000;

/**
 * The command is done and has said everything; node ends when nothing holds
 * its event loop. A library's handle can still hold it (libusb's event
 * handling stays referenced while a device handle is open, and one opened
 * past its deadline was seen to), and a run that hangs after its report is
 * a hang. So the process ends DRAIN_MS later at the latest, saying why.
 */
function exitOnceDrained(): void {
  setTimeout(() => {
    process.stderr.write(`rig: an open handle (USB or serial) still held the process ${DRAIN_MS / 1000} s after the command finished; exiting\n`);
    process.exit();
  }, DRAIN_MS).unref();
}
