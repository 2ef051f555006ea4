import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { errnoText } from './errno.js';

/**
 * The largest input file succession reads (policy, fleet, topology snapshot, ClusterControl
 * export, credentials). The largest real policy is a few KiB; a file of tens of MiB is a mistake
 * (a log, a dump) that the YAML parser would chew on for minutes.
 */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/**
 * A file changed this recently may change again within the same tick of the file system's clock
 * (coarse: up to 10 ms) without its stat showing it; such a stat is never trusted, as git does
 * with a racily clean index entry.
 */
export const RACY_NS = 2_000_000_000n;

/**
 * The stat of a regular file, through links, as one string (size, mtime, ctime, inode, device), by
 * which a file whose stat is unchanged is taken to have an unchanged text; undefined when it is
 * no regular file or changed too recently to tell (see RACY_NS). ctime cannot be set back by a
 * user and changes with any write, rename or chmod.
 */
export function inputStat(path: string, nowNs = BigInt(Date.now()) * 1_000_000n): string | undefined {
  let st;
  try {
    st = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (st === undefined || !st.isFile() || st.ctimeNs >= nowNs - RACY_NS) return undefined;
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.dev}`;
}

/** Input refused before it is parsed; the message names the file, and the position when there is one. */
export class InputError extends Error {}

/**
 * Reads a regular file as UTF-8 text, within MAX_INPUT_BYTES. Anything else is refused with a
 * message, never waited on: a FIFO has no end until its writer closes it (it is opened
 * non-blocking, so that even the open does not wait for one), and a device may never end.
 * `what` names the file in messages ("topology snapshot").
 */
export function readInputFile(path: string, what = ''): string {
  return decodeUtf8(path, readInputBytes(path, what));
}

/** The bytes of a regular file, within MAX_INPUT_BYTES, refused as readInputFile refuses (for binary files). */
export function readInputBytes(path: string, what = ''): Buffer {
  const name = what === '' ? path : `${what} ${path}`;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ELOOP') && lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new InputError(`cannot read ${name}: broken symbolic link (${code === 'ELOOP' ? 'it loops' : 'its target does not exist'})`);
    }
    throw new InputError(`cannot read ${name}: ${errnoText(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(`cannot read ${name}: is a directory`);
    if (!st.isFile()) throw new InputError(`cannot read ${name}: it is ${fileKind(st)}, not a regular file`);
    if (st.size > MAX_INPUT_BYTES) throw tooBig(name);
    return readBounded(fd, name);
  } finally {
    closeSync(fd);
  }
}

/** Reads standard input to its end as UTF-8 text, within MAX_INPUT_BYTES. */
export function readStdinText(name: string): string {
  return decodeUtf8(name, readBounded(0, name));
}

/** "a FIFO", "a socket", "a character device"…: what a non-regular file is, for a message. */
export function fileKind(st: Stats | { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSymbolicLink(): boolean }): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function tooBig(name: string): InputError {
  return new InputError(`cannot read ${name}: larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB, the limit for an input file`);
}

/**
 * Where readBounded reads into. One buffer for every file: a fresh 1 MiB chunk per read (two per
 * file, the second to see the end) made reading 10,000 policies allocate 20 GB and spend seconds
 * in the garbage collector; only the bytes read are copied out.
 */
let scratch: Buffer | undefined;

/** Reads fd to its end; one byte past the limit is enough to refuse it (the size a stat reports may be stale). */
function readBounded(fd: number, name: string): Buffer {
  scratch ??= Buffer.allocUnsafe(1 << 20);
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, scratch, 0, Math.min(scratch.length, MAX_INPUT_BYTES + 1 - total), null);
    } catch (e) {
      // why: standard input may be a non-blocking pipe whose writer is slower than the reader.
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      throw new InputError(`cannot read ${name}: ${errnoText(e)}`);
    }
    if (n === 0) return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
    chunks.push(Buffer.from(scratch.subarray(0, n)));
    total += n;
    if (total > MAX_INPUT_BYTES) throw tooBig(name);
  }
}

const STRICT = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes UTF-8 strictly: a byte sequence that is not UTF-8 (including an encoded surrogate) is
 * refused at `name:line:column` of its first byte, never turned into U+FFFD that a generated
 * file would then carry. A leading byte-order mark is dropped, as YAML and JSON readers do.
 */
export function decodeUtf8(name: string, bytes: Uint8Array): string {
  try {
    return STRICT.decode(bytes);
  } catch {
    const bad = firstInvalidByte(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, bad - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    const column = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, bad)).replace(/^\ufeff/, '').length + 1;
    const hex = bytes[bad]!.toString(16).toUpperCase().padStart(2, '0');
    throw new InputError(`${name}:${line}:${column}: not UTF-8 text (byte 0x${hex}); succession reads its input as UTF-8`);
  }
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629, table 3-7 of Unicode). */
export function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // why: ED A0..BF encodes a surrogate, which UTF-8 forbids.
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const t = b[i + k];
      if (t === undefined) return i;
      if (k === 1 ? t < lo || t > hi : t < 0x80 || t > 0xbf) return i;
    }
    i += need + 1;
  }
  return b.length;
}
