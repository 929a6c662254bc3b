// call: a cloud function of the board's running app (Particle.function),
// called through the bench's cloud as `particle call` does: by name, with a
// string argument. `expect` is the return value it must give; `within` how
// long the board may take to be online with the function registered (board
// time, default 30 s). The call acts on the board: expectations after it
// look from its start (step-roles.ts).
import { z } from 'zod';
import { withFix } from '../yaml/describe.js';
import { Duration } from './duration.js';
import { common, commonShape } from './step-common.js';

const FunctionName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, {
    error: (iss) => withFix(`'${String(iss.input)}' is not a cloud function name`, 'letters, digits, _ and -, up to 64 characters, as Particle.function registers it'),
  })
  .meta({ description: 'the function name the app registered with Particle.function' });

// A YAML number or boolean is the text the user wrote: `arg: 1` sends "1".
const Arg = z.union([z.string(), z.number(), z.boolean()]).transform(String).meta({ description: 'the argument string (default empty)' });

export const CallStepSchema = z
  .strictObject({
    call: z.union([FunctionName, z.strictObject({ function: FunctionName, arg: Arg.optional() })])
      .meta({ description: 'a cloud function of the running app: NAME, or { function: NAME, arg: TEXT }' }),
    expect: z.number().int().optional().meta({ description: 'the return value the function must give' }),
    within: Duration.optional().meta({ description: 'how long the board may take to be online with the function (board time, default 30s)' }),
    ...commonShape,
  })
  .transform((v) => {
    const body = typeof v.call === 'string' ? { function: v.call, arg: undefined } : v.call;
    return { kind: 'call' as const, function: body.function, arg: body.arg ?? '', expectValue: v.expect, withinMs: v.within, ...common(v) };
  });

export type CallStep = z.output<typeof CallStepSchema>;
