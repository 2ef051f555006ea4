import { HOOK_NAMES, type HookName } from './model.js';
import type { JsonPath } from './locate.js';
import type { SourceFile } from './source.js';
import type { Repo } from '../rules/rule.js';

/** One hook command as written, where it is written. */
export interface HookCommand {
  file: SourceFile;
  path: JsonPath;
  event: HookName;
  command: string;
}

/** Every hook command of the repository: each cluster's `hooks`, then the fleet's `defaults.hooks`. */
export function hookCommands(repo: Repo): HookCommand[] {
  const out: HookCommand[] = [];
  const add = (file: SourceFile, base: JsonPath, hooks: unknown) => {
    if (typeof hooks !== 'object' || hooks === null) return;
    for (const event of HOOK_NAMES) {
      const list = (hooks as Record<string, unknown>)[event];
      if (!Array.isArray(list)) continue;
      list.forEach((command, i) => {
        if (typeof command === 'string') out.push({ file, path: [...base, event, i], event, command });
      });
    }
  };
  for (const c of repo.clusters) add(c.file, ['hooks'], (c.file.data as { hooks?: unknown }).hooks);
  if (repo.fleet) add(repo.fleet.file, ['defaults', 'hooks'], (repo.fleet.file.data as { defaults?: { hooks?: unknown } }).defaults?.hooks);
  return out;
}
