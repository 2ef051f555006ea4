import { lstatSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { applyRuleSettings, CONFIG_FILE, configPath, ignoreMatcher, parseConfig, type Config } from '../config/config.js';
import type { Finding } from '../findings.js';
import type { FormatName } from '../report/index.js';
import { UsageError } from './errors.js';
import type { Ignored } from './expand.js';
import { readText } from './io.js';

/** The default policy path without a configuration file or path arguments. */
export const DEFAULT_PATHS = ['policies/'];

export interface ConfigOptions {
  /** A file with --config, false with --no-config. */
  config?: string | false;
  fleet?: string;
  format?: FormatName;
}

/** Adds --config / --no-config to a command that reads policies. */
export function addConfigOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', `configuration file to use (default: the nearest ${CONFIG_FILE} at or above the working directory)`)
    .option('--no-config', `ignore any ${CONFIG_FILE}`);
}

/**
 * The nearest configuration file at or above `cwd`, up to the file-system root (a `.git`
 * directory does not stop the search: a policy repository may live inside a larger one).
 */
export function findConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    // why: lstat, not exists: a broken link or a FIFO under the name is an error, not "no configuration".
    if (lstatSync(candidate, { throwIfNoEntry: false }) !== undefined) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads and checks a configuration file; any problem is a usage error naming file:line:column. */
export function loadConfig(file: string, cwd: string): Config {
  const shown = shownPath(file, cwd);
  const { config, problems } = parseConfig(shown, readText(resolve(cwd, file)), resolve(cwd, dirname(file)));
  if (config) return config;
  throw new UsageError([`invalid configuration file ${shown}:`, ...problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)]);
}

/** What a command runs on once the configuration file (if any) and the flags are put together; flags win. */
export interface Run {
  config?: Config;
  /** The policy paths: the arguments, else the configuration's `paths`, else policies/. */
  paths: string[];
  ignored?: Ignored;
  /** Where a configured path was set, for messages about it. */
  origin: (path: string) => string | undefined;
  /** The configured rule severities applied to a command's findings. */
  configure: (findings: readonly Finding[]) => Finding[];
}

/**
 * Finds and reads the configuration (unless --no-config), and fills in what the flags leave
 * open: the policy paths, `--fleet` and `--format` (set on `opts`). Paths in the configuration
 * are relative to its directory and are given to the commands relative to `cwd`.
 */
export function resolveRun(args: readonly string[], opts: ConfigOptions, cwd = process.cwd()): Run {
  const file = opts.config === false ? undefined : (opts.config ?? findConfig(cwd));
  if (file === undefined) return { paths: args.length > 0 ? [...args] : DEFAULT_PATHS, origin: () => undefined, configure: (f) => [...f] };
  const config = loadConfig(file, cwd);
  const origins = new Map<string, string>();
  let paths = [...args];
  if (paths.length === 0 && config.paths) {
    paths = config.paths.map((p) => {
      const path = configPath(config, p.value, cwd);
      origins.set(path, `paths in ${config.file}:${p.at.line}:${p.at.column}`);
      return path;
    });
  }
  if (paths.length === 0) paths = DEFAULT_PATHS;
  if (opts.fleet === undefined && config.fleet) {
    opts.fleet = configPath(config, config.fleet.value, cwd);
    if (lstatSync(resolve(cwd, opts.fleet), { throwIfNoEntry: false }) === undefined) {
      throw new UsageError(`cannot read ${opts.fleet} (fleet in ${config.file}:${config.fleet.at.line}:${config.fleet.at.column}): no such file or directory`);
    }
  }
  if (opts.format === undefined && config.format) opts.format = config.format;
  return {
    config,
    paths,
    ignored: ignoreMatcher(config, cwd),
    origin: (p) => origins.get(p),
    configure: (findings) => applyRuleSettings(findings, config.rules),
  };
}

function shownPath(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel === '' || isAbsolute(rel) ? file : rel;
}
