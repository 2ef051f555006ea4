import { mkdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errnoText } from '../util/errno.js';
import { NEW_DIRECTORY_MODE, keptOf, writeTemp } from './durable.js';
import { OutputError } from './output-error.js';

// The temporary files a build writes next to its targets before it renames them over the targets.

/** The temporary file `file` is first written to: a dot-name, so that cmon never reads it as a config. */
export function tempName(file: string): string {
  return join(dirname(file), `.${file.slice(dirname(file).length + 1)}.succession-${process.pid}.tmp`);
}

/** Names of the temporary files tempName gives, with the writing process's id. */
export const TEMP_FILE = /^\..+\.succession-([0-9]+)\.tmp$/;

/**
 * `mkdir -p`; `made` gets every directory visited, `created` those it created. Not mkdirSync's
 * recursive mode: on Node 20 it loops forever where mkdir(2) answers ENOENT although the parent
 * exists (`--out /proc/self/x`).
 */
export function makeDirs(dir: string, made: Set<string>, created: string[] = []): void {
  if (made.has(dir)) return;
  made.add(dir);
  let mine: boolean;
  try {
    mine = madeHere(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw e;
    makeDirs(dirname(dir), made, created);
    // why: every thread of a build writes ahead (see TempWriter); another may have made it meanwhile.
    mine = madeHere(dir);
  }
  if (mine) created.push(dir);
}

/** Makes `dir`: true when this call made it, false when a directory is there already. */
function madeHere(dir: string): boolean {
  try {
    mkdirSync(dir, NEW_DIRECTORY_MODE);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) return false;
    throw e;
  }
}

/** What TempWriters wrote: the temporary files, the directories written into, and those they created. */
export interface WrittenAhead {
  temps: readonly string[];
  /** Every directory visited (see makeDirs): their entries are flushed after the renames. */
  dirs: Iterable<string>;
  created: readonly string[];
}

/** Deletes what was written ahead for a build that then stopped: its temporary files, and the directories made for them. */
export function discardWritten(written: readonly WrittenAhead[]): void {
  for (const t of written.flatMap((w) => w.temps)) {
    try {
      unlinkSync(t);
    } catch {
      // why: a write that failed may not have created its file.
    }
  }
  // why: deepest first; a directory another build has written into since stays (rmdir refuses it).
  for (const d of written.flatMap((w) => w.created).sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(d);
    } catch {
      // why: not empty, or gone: either way not this build's to remove.
    }
  }
}

/**
 * Writes a build's changed files to their temporary files as soon as they are compiled and found
 * changed, on the thread that compiled them: their text then never travels between threads nor
 * waits in memory for the lint gate, and the writing is spread over both cores. The build renames
 * them once nothing stops it, or deletes them and the directories made for them (discardWritten)
 * when something does. After the first failure it writes nothing more; `error` says why.
 */
export class TempWriter {
  /** Every temporary file written, by absolute path. */
  readonly temps: string[] = [];
  /** Every directory written into, and those made above them (whose entries must be flushed too). */
  readonly made = new Set<string>();
  /** The directories it created. */
  readonly created: string[] = [];
  error: string | undefined;

  constructor(readonly outDir: string) {}

  /** Writes `content`, the new text of `rel` (which exists when `replaces`); its temporary file, or undefined once a write failed. */
  write(rel: string, content: string, replaces: boolean): string | undefined {
    if (this.error !== undefined) return undefined;
    const file = join(this.outDir, rel);
    const temp = tempName(file);
    try {
      try {
        makeDirs(dirname(file), this.made, this.created);
      } catch (e) {
        throw new OutputError(`cannot create ${dirname(file)}: ${errnoText(e)}`);
      }
      const kept = replaces ? keptOf(file) : undefined;
      try {
        writeTemp(temp, content, kept, file, false);
      } catch (e) {
        // why: a temporary file with this process's id can only be left by an earlier process that had
        // the same id (containers start every run as the same pid); this build would delete it anyway.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        unlinkSync(temp);
        writeTemp(temp, content, kept, file, false);
      }
      this.temps.push(temp);
      return temp;
    } catch (e) {
      this.error = e instanceof OutputError ? e.message : `cannot write ${file}: ${errnoText(e)}`;
      // why: a failed write may have created the file before failing (a full disk, a refused chown).
      this.temps.push(temp);
      return undefined;
    }
  }
}
