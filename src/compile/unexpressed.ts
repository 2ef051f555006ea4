import type { JsonPath } from '../policy/locate.js';
import type { ClusterPolicy, HookName, Origin } from '../policy/model.js';
import { redactSecrets } from '../policy/hook-secrets.js';
import { placeholders, splitCommand, type CompileReport } from './artifact.js';

/** Collects what a target cannot express, at the policy line that asks for it. */
export class Notes {
  readonly reports: CompileReport[] = [];

  constructor(private readonly target: string) {}

  /** `setting` is not expressible; reported where the cluster (or the fleet defaults) set it. */
  setting(cluster: ClusterPolicy, path: JsonPath, message: string): void {
    if (cluster.isDefault(path)) return;
    const origin = cluster.origin(path);
    this.add(origin.file, origin.path, message);
  }

  add(file: ClusterPolicy['file'], path: JsonPath, message: string, hint?: string): void {
    const report = { file, path, message: `${this.target}: ${message}`, ...(hint ? { hint } : {}) };
    this.reports.push({ ruleId: 'target-cannot-express', report });
  }

  unsafe(file: ClusterPolicy['file'], path: JsonPath, message: string, hint: string): void {
    this.reports.push({ ruleId: 'unsafe-engine-value', report: { file, path, message: `${this.target}: ${message}`, hint } });
  }
}

/** A hook as a single script, with the policy place of the command it came from. */
export interface ScriptHook {
  key: string;
  script: string;
  at: Origin;
}

/** A hook command split for a single-script target; `shown` (redacted) and `words` only when it has arguments. */
interface CommandParts {
  executable: string;
  rest: string;
  shown: string;
  words: string[];
}

/**
 * Hook commands already split, by text: a fleet default hook is the same string in every cluster
 * that inherits it, split and redacted twice per cluster (cmon, MHA). Bounded, since the clusters'
 * own hooks are mostly different strings.
 */
const splitCommands = new Map<string, CommandParts>();
const MAX_SPLIT_COMMANDS = 1024;

function commandParts(command: string): CommandParts {
  let parts = splitCommands.get(command);
  if (parts !== undefined) return parts;
  const { executable, rest } = splitCommand(command);
  // why: the arguments may hold a password (hook-password-literal); a message never shows it.
  const shown = rest === '' ? '' : splitCommand(redactSecrets(command)).rest;
  parts = { executable, rest, shown, words: rest === '' ? [] : placeholders(shown) };
  if (splitCommands.size >= MAX_SPLIT_COMMANDS) splitCommands.clear();
  splitCommands.set(command, parts);
  return parts;
}

/**
 * Maps a cluster's hook lists onto a target that takes one script per event and calls it with
 * its own arguments: the first command's executable is used; further commands, arguments and
 * placeholders are reported. Returns event → (script, policy path of the command).
 */
export function singleScriptHooks(
  cluster: ClusterPolicy,
  mapping: Partial<Record<HookName, string>>,
  notes: Notes,
  calling: string,
): ScriptHook[] {
  const out: ScriptHook[] = [];
  for (const [name, commands] of Object.entries(cluster.hooks) as [HookName, string[]][]) {
    if (commands.length === 0) continue;
    const origin = cluster.origin(['hooks', name]);
    const key = mapping[name];
    if (key === undefined) {
      notes.add(origin.file, origin.path, `has no ${name} hook; ${commands.length === 1 ? 'the command is' : 'these commands are'} not run.`);
      continue;
    }
    commands.forEach((command, i) => {
      const path = [...origin.path, i];
      if (i > 0) {
        notes.add(origin.file, path, `runs one ${key}; this command (number ${i + 1} of ${name}) is not run.`, 'Wrap the commands in one script.');
        return;
      }
      const { executable, rest, shown, words } = commandParts(command);
      if (executable === '') {
        notes.add(origin.file, path, `the command is blank; no ${key} is written.`);
        return;
      }
      if (rest !== '') {
        const what = words.length > 0 ? `the placeholders ${words.map((w) => `{${w}}`).join(' ')} are not replaced` : 'the arguments are not passed';
        notes.add(origin.file, path, `${key} is a script path that ${calling}; only ${executable} is written and ${what} ("${shown}").`);
      }
      out.push({ key, script: executable, at: { file: origin.file, path } });
    });
  }
  return out;
}
