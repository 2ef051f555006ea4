import { renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { keptOf, writeTemp } from '../compile/durable.js';
import { OutputError } from '../compile/output-error.js';
import { errnoText } from '../util/errno.js';
import { UsageError } from './io.js';

/**
 * One file written as `build` writes its files (compile/durable.ts): a temp file in the target's
 * directory, created with the final mode (a replaced file's, with its owner), flushed, renamed;
 * readers see the old file or the new one.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeTemp(temp, text, keptOf(path), path, true);
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // why: the temp file may never have been created; nothing else to clean.
    }
    throw new UsageError(`cannot write ${path}: ${e instanceof OutputError ? e.message : errnoText(e)}`);
  }
}
