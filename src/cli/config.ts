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

/**
 * Reads and checks a configuration file; any problem is a usage error naming file:line:column.
 * `text` and `dir` when the file is not read from the file system (diff reads it from a revision).
 */
export function loadConfig(file: string, cwd: string, text?: string, dir = resolve(cwd, dirname(file))): Config {
  const shown = shownPath(file, cwd);
  const { config, problems } = parseConfig(shown, text ?? readText(resolve(cwd, file)), dir);
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
  return runWith(file === undefined ? undefined : loadConfig(file, cwd), args, opts, cwd);
}

/**
 * resolveRun with the configuration already read (or none). `exists` tells whether the configured
 * fleet file is there (diff asks a git revision, not the file system); `defaults` are the paths
 * without arguments or configured paths.
 */
export function runWith(
  config: Config | undefined,
  args: readonly string[],
  opts: ConfigOptions,
  cwd: string,
  exists = (path: string) => lstatSync(resolve(cwd, path), { throwIfNoEntry: false }) !== undefined,
  defaults = DEFAULT_PATHS,
): Run {
  if (config === undefined) return { paths: args.length > 0 ? [...args] : defaults, origin: () => undefined, configure: (f) => [...f] };
  const origins = new Map<string, string>();
  let paths = [...args];
  if (paths.length === 0 && config.paths) {
    paths = config.paths.map((p) => {
      const path = configPath(config, p.value, cwd);
      origins.set(path, `paths in ${config.file}:${p.at.line}:${p.at.column}`);
      return path;
    });
  }
  if (paths.length === 0) paths = defaults;
  if (opts.fleet === undefined && config.fleet) {
    opts.fleet = configPath(config, config.fleet.value, cwd);
    if (!exists(opts.fleet)) {
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
