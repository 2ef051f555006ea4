import { InputError, readInputFile } from '../util/input-file.js';
import { TopologyError } from './model.js';

/** readInputFile (bounded, regular files only, strict UTF-8) for a topology source, its problems as TopologyError. */
export function readTopologyFile(path: string, what: string): string {
  try {
    return readInputFile(path, what);
  } catch (e) {
    if (e instanceof InputError) throw new TopologyError(e.message);
    throw e;
  }
}
