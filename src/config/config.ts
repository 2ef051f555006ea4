import { isAbsolute, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Finding, Severity, Span } from '../findings.js';
import { locate, locateKey } from '../policy/locate.js';
import { validateSchema } from '../policy/schema.js';
import { parseSource, type SourceFile } from '../policy/source.js';
import type { FormatName } from '../report/index.js';
import { RULES_BY_ID } from '../rules/index.js';
import { UNSUPPRESSIBLE } from '../suppress.js';
import { didYouMean } from '../util/suggest.js';

/** The configuration file's name; `lint`, `build` and `check` look for it from the working directory up. */
export const CONFIG_FILE = 'succession.config.yaml';

export type RuleSetting = Severity | 'off';

/** A configuration file as read: every path in it still relative to `dir`. */
export interface Config {
  /** The file as it is shown in messages. */
  file: string;
  /** Its directory (absolute), which every path in it is relative to. */
  dir: string;
  paths?: { value: string; at: Span }[];
  ignore: string[];
  fleet?: { value: string; at: Span };
  rules: ReadonlyMap<string, RuleSetting>;
  format?: FormatName;
}

/**
 * Why a rule's findings may be raised but not lowered or dropped: each of them stands between the
 * policies and a wrong or missing engine config. The first five cannot be suppressed by a comment
 * either (src/suppress.ts); the last three are the build's own checks, which no comment reaches.
 */
const FIXED: Record<string, string> = {
  syntax: 'a file with a syntax error is left out of every check and build',
  schema: 'a file that breaks the schema is left out of every check and build',
  'suppression-without-reason': 'every suppression must say why it is safe',
  'unused-suppression': 'a stale suppression would silence the next finding on its line',
  'hook-password-literal': 'the password would be written into every generated engine config',
  'unsafe-engine-value': 'the engine would read the value otherwise than the policy says',
  'build-drift': '`build --check` would pass on stale generated files',
  'cnf-duplicate-managed-key': 'cmon would read a value other than the one succession writes',
};

const RANK: Record<RuleSetting, number> = { off: 3, info: 2, warning: 1, error: 0 };

/**
 * Checks a parsed configuration file: syntax, then the schema (schemas/config.schema.json), then
 * what the schema cannot know: that each rule id exists, and that no rule that guards the build
 * is lowered. Every problem is a finding at its line and column.
 */
export function configProblems(source: SourceFile): Finding[] {
  if (source.syntaxErrors.length > 0) {
    return source.syntaxErrors.map(({ code, message, ...span }) => ({ ruleId: 'syntax', severity: 'error', file: source.path, message: `${message} (${code})`, ...span }));
  }
  // why: the configuration file's schema whatever its kind says, so that a missing or wrong kind is reported as such.
  const schema = validateSchema(source, 'config');
  if (schema.length > 0) return schema;
  const rules = (source.data as { rules?: Record<string, RuleSetting> }).rules ?? {};
  const out: Finding[] = [];
  for (const [id, setting] of Object.entries(rules)) {
    const rule = RULES_BY_ID.get(id);
    if (rule === undefined) {
      out.push({
        ruleId: 'schema',
        severity: 'error',
        file: source.path,
        message: `Unknown rule "${id}" in "rules".${didYouMean(id, RULES_BY_ID.keys())}`,
        hint: '`succession rules` lists every rule id.',
        ...locateKey(source, ['rules'], id),
      });
      continue;
    }
    const why = FIXED[id];
    if (why !== undefined && RANK[setting] > RANK[rule.severity]) {
      const suppressible = UNSUPPRESSIBLE.has(id) ? 'its findings cannot be suppressed' : 'it guards the build';
      out.push({
        ruleId: 'schema',
        severity: 'error',
        file: source.path,
        message: `Rule "${id}" cannot be set to ${setting}: ${suppressible} (${why}). ${rule.severity === 'error' ? 'It is always an error' : `It may be raised, not lowered below ${rule.severity}`}.`,
        ...locate(source, ['rules', id]),
      });
    }
  }
  return out;
}

/** Reads a configuration file's text; `problems` is empty exactly when `config` is set. */
export function parseConfig(file: string, text: string, dir: string): { config?: Config; problems: Finding[] } {
  const source = parseSource(file, text);
  const problems = configProblems(source);
  if (problems.length > 0) return { problems };
  const data = source.data as { paths?: string[]; ignore?: string[]; fleet?: string; rules?: Record<string, RuleSetting>; format?: FormatName };
  const config: Config = { file, dir, ignore: data.ignore ?? [], rules: new Map(Object.entries(data.rules ?? {})) };
  if (data.paths) config.paths = data.paths.map((value, i) => ({ value, at: locate(source, ['paths', i]) }));
  if (data.fleet !== undefined) config.fleet = { value: data.fleet, at: locate(source, ['fleet']) };
  if (data.format !== undefined) config.format = data.format;
  return { config, problems: [] };
}

/**
 * The configured severities applied: a rule set to `off` loses its findings, any other setting
 * replaces their severity. Run after suppressions, so that a comment suppressing a rule the
 * configuration turns off is not reported as unused.
 */
export function applyRuleSettings(findings: readonly Finding[], rules: ReadonlyMap<string, RuleSetting>): Finding[] {
  if (rules.size === 0) return [...findings];
  const out: Finding[] = [];
  for (const f of findings) {
    const setting = rules.get(f.ruleId);
    if (setting === undefined) out.push(f);
    else if (setting !== 'off') out.push(setting === f.severity ? f : { ...f, severity: setting });
  }
  return out;
}

/**
 * The `ignore` patterns as a test of a path (as shown, relative to `cwd`): picomatch with shell
 * semantics against the path relative to the configuration file's directory. Directory walks ask
 * it of every directory too, so a pattern that matches a directory leaves out all under it.
 */
export function ignoreMatcher(config: Pick<Config, 'ignore' | 'dir'>, cwd: string): ((path: string) => boolean) | undefined {
  if (config.ignore.length === 0) return undefined;
  // why: `drafts/` names a directory to a reader; picomatch would only match a path ending in "/".
  const isMatch = picomatch(config.ignore.map((p) => p.replace(/\/+$/, '')), { posix: true, dot: true });
  return (path) => {
    const rel = relative(config.dir, resolve(cwd, path));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
    return isMatch(rel.split(sep).join('/'));
  };
}

/** A path of the configuration file (relative to its directory) as the commands take it: relative to `cwd`. */
export function configPath(config: Pick<Config, 'dir'>, value: string, cwd: string): string {
  const rel = relative(cwd, resolve(config.dir, value));
  return rel === '' ? '.' : rel;
}

