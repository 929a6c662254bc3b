// Reads a small JSON request body. Control requests are a few bytes; a cap
// keeps a confused client from filling memory.
import type { IncomingMessage, ServerResponse } from 'node:http';

const LIMIT = 64 * 1024;

export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string };

export async function readJson(req: IncomingMessage): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) return { ok: false, error: `body larger than ${LIMIT} bytes` };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: false, error: 'expected a JSON body' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: `body is not JSON: ${(err as Error).message}` };
  }
}

export function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
