// Reads a request body as the form fields the real API accepts: multipart
// (how particle-api-js uploads a binary), url-encoded, or JSON. Parsing uses
// the standard Request.formData() of Node 20; the size is capped first.
import type { IncomingMessage } from 'node:http';

export type FormValue = string | Blob;

export interface FormFields {
  get(name: string): FormValue | undefined;
}

export type BodyResult =
  | { ok: true; fields: FormFields }
  | { ok: false; reason: 'too-large' | 'malformed'; message: string };

/** Collects the raw body, refusing more than `limit` bytes. */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) return 'too-large';
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export async function readForm(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const raw = await readRawBody(req, limit);
  if (raw === 'too-large') {
    // Drain what is left so the client receives the reply instead of a reset.
    req.resume();
    return { ok: false, reason: 'too-large', message: `body larger than ${limit} bytes` };
  }
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { ok: true, fields: new Map<string, FormValue>() };
  try {
    if (/^application\/json\b/i.test(type)) return { ok: true, fields: jsonFields(raw) };
    const request = new Request('http://cloud.local/', { method: 'PUT', headers: { 'content-type': type }, body: raw });
    const form = await request.formData();
    return { ok: true, fields: { get: (name) => form.get(name) ?? undefined } };
  } catch (err) {
    return { ok: false, reason: 'malformed', message: err instanceof Error ? err.message : String(err) };
  }
}

function jsonFields(raw: Buffer): FormFields {
  const parsed: unknown = JSON.parse(raw.toString('utf8'));
  const fields = new Map<string, FormValue>();
  if (parsed !== null && typeof parsed === 'object') {
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields.set(k, String(v));
    }
  }
  return fields;
}
