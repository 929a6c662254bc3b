// Every USB and cloud call gets a deadline: a board that stops answering
// must not hang a run. The call itself cannot always be cancelled; its late
// outcome is ignored.
import { TimeoutError } from '../../errors.js';

export function withDeadline<T>(work: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) throw new TypeError(`Expected a positive deadline for ${what}, got ${ms}`);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      finish();
      reject(signal?.reason instanceof Error ? signal.reason : new Error(`${what}: cancelled`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new TimeoutError(what, ms));
    }, ms);
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        finish();
        resolve(v);
      },
      (e: unknown) => {
        finish();
        reject(e);
      },
    );
  });
}

/** Resolves after `ms`, or rejects when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
