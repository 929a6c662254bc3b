// `rig firmware info` and `rig firmware make`.
import { writeFileSync } from 'node:fs';
import { InfraError, ExitCode } from '../../core/errors.js';
import { firmwareInfo, firmwareInfoJson, firmwareMake, formatFirmwareInfo, moduleProblemsError, parseModule, type FirmwareMakeArgs } from '../../firmware/index.js';

export async function firmwareInfoCommand(file: string, opts: { platform?: string; json?: boolean }): Promise<number> {
  const result = firmwareInfo(file, opts.platform === undefined ? {} : { platform: opts.platform });
  process.stdout.write(opts.json ? `${JSON.stringify(firmwareInfoJson(result), null, 2)}\n` : formatFirmwareInfo(result));
  const problem = moduleProblemsError(file, result.problems);
  if (problem) {
    process.stderr.write(`${problem.format()}\n`);
    return ExitCode.badInput;
  }
  return ExitCode.ok;
}

export async function firmwareMakeCommand(opts: FirmwareMakeArgs & { output: string }): Promise<number> {
  const image = firmwareMake(opts);
  try {
    writeFileSync(opts.output, image);
  } catch (err) {
    throw new InfraError(`cannot write ${opts.output}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const info = parseModule(image, opts.output);
  process.stdout.write(`${opts.output}: ${image.length} bytes, ${info.platform} user part v${info.version}, sha256 ${info.sha256}\n`);
  return ExitCode.ok;
}
