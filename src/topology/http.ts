import { decodeUtf8, InputError } from '../util/input-file.js';
import { TopologyError } from './model.js';

/**
 * The largest HTTP response body read from orchestrator. A cluster's `[]Instance` is a few KiB per
 * instance; 16 MiB is thousands of instances. A larger answer is refused while it streams, before
 * it fills memory.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Redirects followed within the same origin (scheme, host and port); one to elsewhere is refused. */
export const MAX_REDIRECTS = 3;

export interface HttpAnswer {
  status: number;
  ok: boolean;
  text: string;
  /** The URL that answered, after same-origin redirects. */
  url: string;
}

/**
 * GET with every bound in place: one deadline for connecting, redirects and the whole body;
 * the body cut off past MAX_RESPONSE_BYTES; redirects followed only within the origin, since
 * the request carries the credentials (fetch's own redirect handling would send them on, or
 * drop them silently, to whichever host a proxy names).
 */
export async function boundedGet(url: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const res = await fetch(current, { signal, headers, redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location !== null) {
      await res.body?.cancel();
      const next = new URL(location, current);
      if (next.origin !== current.origin) {
        throw new TopologyError(`${display(current)}: HTTP ${res.status} redirects to another origin (${display(next)}); not followed, the request carries credentials — give that URL instead`);
      }
      if (hop >= MAX_REDIRECTS) throw new TopologyError(`${display(current)}: more than ${MAX_REDIRECTS} redirects`);
      current = next;
      continue;
    }
    return { status: res.status, ok: res.ok, text: await readBody(res, current), url: display(current) };
  }
}

async function readBody(res: Response, url: URL): Promise<string> {
  const tooBig = () => new TopologyError(`${display(url)}: response larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB, the limit for an HTTP answer`);
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_RESPONSE_BYTES) {
    await res.body?.cancel();
    throw tooBig();
  }
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw tooBig();
    }
    chunks.push(value);
  }
  try {
    return decodeUtf8(display(url), Buffer.concat(chunks, total));
  } catch (e) {
    if (e instanceof InputError) throw new TopologyError(e.message);
    throw e;
  }
}

/** A URL as messages show it: never its user or password. */
function display(u: URL): string {
  const copy = new URL(u);
  copy.username = '';
  copy.password = '';
  return copy.toString();
}

/**
 * Removes credentials from a message: the `user:password@` of any URL, the value of an
 * Authorization header, and each of `secrets` (a password, its encodings, a Basic token) wherever
 * they occur — an HTTP error body or a proxy's page may echo any of them.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s"']*@/gi, '$1***@').replace(/\b(authorization"?\s*[:=]\s*)("?)[^\s"',;]+(?:\s+[^\s"',;]+)?/gi, '$1$2***');
  for (const s of [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}
