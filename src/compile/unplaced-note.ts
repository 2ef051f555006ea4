import type { Finding, Severity } from '../findings.js';
import { position } from '../lint.js';
import type { JsonPath, Target } from '../policy/locate.js';
import type { SourceFile } from '../policy/source.js';

/**
 * An info note in its cluster's own file (see DeferredNotes) as a compile report says it, by JSON
 * path and with files by path: plain data a worker can send. It is positioned only when shown, since
 * a position needs the file's YAML AST, which a file read by plainData has not built.
 */
export interface UnplacedNote {
  ruleId: string;
  severity: Severity;
  file: string;
  path: JsonPath;
  target?: Target;
  message: string;
  hint?: string;
  related?: { file: string; path: JsonPath; message: string }[];
}

/** A note positioned in its file, `sourceOf` giving the files by path. */
export function placeNote(note: UnplacedNote, sourceOf: (path: string) => SourceFile): Finding {
  const { ruleId, severity, file, path, target, message, hint, related } = note;
  return position(ruleId, severity, {
    file: sourceOf(file),
    path,
    message,
    ...(target === undefined ? {} : { target }),
    ...(hint === undefined ? {} : { hint }),
    ...(related ? { related: related.map((x) => ({ file: sourceOf(x.file), path: x.path, message: x.message })) } : {}),
  });
}
