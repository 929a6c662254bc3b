// Patterns in plans are JavaScript regular expression sources, matched
// against log lines and event data. A pattern that does not compile is an
// input error at load time, not a failed test at run time.
import { z } from 'zod';
import { withFix, quote } from '../yaml/describe.js';

function compileError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

/** A regular expression source, checked to compile. */
export const Pattern = z
  .string()
  .min(1)
  .check((ctx) => {
    const why = compileError(ctx.value);
    if (why) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: withFix(`${quote(ctx.value)} is not a valid regular expression: ${why}`, 'escape special characters such as ( [ . * + ? with a backslash'),
      });
    }
  })
  .meta({ description: 'a regular expression (JavaScript syntax), matched anywhere in the text' });
