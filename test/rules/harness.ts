/**
 * Fixture runner for rule tests.
 *
 * - A rule's cases live in `fixtures/<rule-id>/<case>/`; a case is a directory of `.yaml` files
 *   (a cluster file, or a `fleet.yaml` plus cluster files, possibly in subdirectories).
 * - Case names start with `invalid-` (the rule must fire exactly where expected) or `valid-` (the
 *   rule must not fire at all).
 * - Expectations are YAML comments at the end of the line the finding must be reported on:
 *   `# expect: <rule-id>` or `# expect: <rule-id>@<column>`; several may be separated by commas.
 *   Being comments, they do not change the data.
 * - A suppression directive takes the rest of its line as its reason, so an expectation cannot
 *   share a line with one. Expectations for such lines go into a sidecar `expect.json`:
 *   `[{ "rule": "unused-suppression", "file": "cluster.yaml", "line": 3, "column": 1 }]`.
 * - A case with a `topology.json` (a snapshot, schemas/topology.schema.json) is run as
 *   `succession check` against that topology: every static rule plus the live rules. Live rules
 *   are tested only this way, so their cases must have one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLive } from '../../src/check.js';
import type { Finding } from '../../src/findings.js';
import { analyze, lint, type PolicyInput } from '../../src/lint.js';
import { RULES_BY_ID } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/rule.js';
import type { Topology } from '../../src/topology/model.js';
import { parseSnapshot } from '../../src/topology/snapshot.js';

export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Findings that mean the input never reached the static rules. */
const READ_RULES: ReadonlySet<string> = new Set(['syntax', 'schema']);

const EXPECT_COMMENT = /(?:^|\s)#\s*expect:(.*)$/;
const EXPECT_ITEM = /^([a-z0-9-]+)(?:@([0-9]+))?$/;
const DIRECTIVE = /succession-disable-(?:next-line|file)\b/;

/**
 * Rules whose findings `lint()` on policy files produces, and which fixtures can therefore test:
 * the static rules and the engine rules of `lint` itself. Live rules need a topology, and engine
 * rules of other commands (`build`, `lint --orchestrator-config`) are tested through them.
 */
export function isLintRule(rule: Rule): boolean {
  return rule.scope === 'cluster' || rule.scope === 'repo' || (rule.scope === 'engine' && rule.command === undefined);
}

/** Rules that compare a policy with the live topology: their fixture cases carry a `topology.json`. */
export function isLiveRule(rule: Rule): boolean {
  return rule.scope === 'live';
}

/** One place a finding of `rule` must be reported; no column means "any column on that line". */
export interface Expectation {
  rule: string;
  file: string;
  line: number;
  column?: number;
}

export interface FixtureCase {
  rule: string;
  name: string;
  valid: boolean;
  dir: string;
  inputs: PolicyInput[];
  /** The live topology of `topology.json`; when present the case runs as `check`, else as `lint`. */
  topology?: Topology;
  /** Where the rule under test must fire. */
  expectations: Expectation[];
  /** Expectations of other rules: not compared, but they allow syntax/schema findings on purpose. */
  others: Expectation[];
}

/** A fixture that is malformed (as opposed to a rule that misbehaves). */
export class FixtureError extends Error {}

/** Case directory names of one rule, sorted; empty when the rule has no fixture directory. */
export function caseNames(ruleId: string, root: string = FIXTURES_DIR): string[] {
  const dir = join(root, ruleId);
  if (!isDirectory(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Reads one case: its YAML files (paths relative to the case directory) and expectations. */
export function loadCase(ruleId: string, name: string, root: string = FIXTURES_DIR): FixtureCase {
  const dir = join(root, ruleId, name);
  const valid = name.startsWith('valid-');
  if (!valid && !name.startsWith('invalid-')) throw new FixtureError(`${dir}: case names start with "valid-" or "invalid-"`);
  const inputs = yamlFiles(dir).map((abs) => ({ path: relative(dir, abs).split(sep).join('/'), text: readFileSync(abs, 'utf8') }));
  if (inputs.length === 0) throw new FixtureError(`${dir}: no .yaml files`);
  const expectations = inputs.flatMap((i) => parseExpectations(i.path, i.text));
  const sidecar = join(dir, 'expect.json');
  if (isFile(sidecar)) expectations.push(...parseSidecar(sidecar, readFileSync(sidecar, 'utf8'), inputs));
  for (const e of expectations) {
    if (!RULES_BY_ID.has(e.rule)) throw new FixtureError(`${dir}: ${e.file}:${e.line} expects unknown rule "${e.rule}"`);
  }
  const own = expectations.filter((e) => e.rule === ruleId);
  if (valid && own.length > 0) throw new FixtureError(`${dir}: a valid case cannot expect "${ruleId}"`);
  if (!valid && own.length === 0) throw new FixtureError(`${dir}: an invalid case must expect "${ruleId}" at least once`);
  const snapshot = join(dir, 'topology.json');
  const topology = isFile(snapshot) ? readTopology(snapshot) : undefined;
  const rule = RULES_BY_ID.get(ruleId);
  if (rule && isLiveRule(rule) && !topology) throw new FixtureError(`${dir}: a live rule's case needs a topology.json`);
  const c: FixtureCase = { rule: ruleId, name, valid, dir, inputs, expectations: own, others: expectations.filter((e) => e.rule !== ruleId) };
  return topology ? { ...c, topology } : c;
}

function readTopology(path: string): Topology {
  try {
    return parseSnapshot(path, readFileSync(path, 'utf8'));
  } catch (e) {
    throw new FixtureError(`${path}: ${(e as Error).message}`);
  }
}

/** Parses the `# expect:` comments of one file. */
export function parseExpectations(file: string, text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    const m = EXPECT_COMMENT.exec(lineText);
    if (!m) return;
    const line = i + 1;
    if (DIRECTIVE.test(lineText)) {
      throw new FixtureError(`${file}:${line}: an expect comment on a directive line would become part of its reason; use expect.json`);
    }
    const items = m[1]!.split(',').map((s) => s.trim());
    for (const item of items) {
      const parsed = EXPECT_ITEM.exec(item);
      if (!parsed) throw new FixtureError(`${file}:${line}: malformed expectation "${item}" (expected <rule-id> or <rule-id>@<column>)`);
      const e: Expectation = { rule: parsed[1]!, file, line };
      if (parsed[2] !== undefined) e.column = Number(parsed[2]);
      out.push(e);
    }
  });
  return out;
}

function parseSidecar(path: string, text: string, inputs: readonly PolicyInput[]): Expectation[] {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data)) throw new FixtureError(`${path}: expected a JSON array`);
  const files = new Set(inputs.map((i) => i.path));
  return data.map((raw, i) => {
    const e = raw as Partial<Expectation>;
    const ok =
      typeof e.rule === 'string' &&
      typeof e.file === 'string' &&
      Number.isInteger(e.line) &&
      (e.column === undefined || Number.isInteger(e.column));
    if (!ok) throw new FixtureError(`${path}[${i}]: expected {rule, file, line, column?}`);
    if (!files.has(e.file!)) throw new FixtureError(`${path}[${i}]: no file "${e.file}" in this case`);
    return e as Expectation;
  });
}

/** The outcome of one case: what was expected but not reported, and what was reported unexpectedly. */
export interface CaseResult {
  findings: Finding[];
  missing: Expectation[];
  unexpected: Finding[];
  /**
   * Syntax or schema findings that the case does not expect: the file never reached the static
   * rules, so a "valid" verdict would mean nothing.
   */
  unreadable: Finding[];
}

export function runCase(c: FixtureCase): CaseResult {
  const topology = c.topology;
  const findings = topology ? checkLive(analyze(c.inputs), () => topology) : lint(c.inputs).findings;
  const matches = (e: Expectation, f: Finding): boolean =>
    e.rule === f.ruleId && e.file === f.file && e.line === f.line && (e.column === undefined || e.column === f.column);
  const unreadable = findings.filter(
    (f) => READ_RULES.has(f.ruleId) && f.ruleId !== c.rule && !c.others.some((e) => matches(e, f)),
  );
  const mine = findings.filter((f) => f.ruleId === c.rule);
  return {
    findings,
    missing: c.expectations.filter((e) => !mine.some((f) => matches(e, f))),
    unexpected: mine.filter((f) => !c.expectations.some((e) => matches(e, f))),
    unreadable,
  };
}

/** A readable diff of a case result; the empty string when the case passes. */
export function describeMismatch(c: FixtureCase, r: CaseResult): string {
  const parts: string[] = [];
  if (r.unreadable.length > 0) {
    parts.push(`the fixture does not parse or validate, so "${c.rule}" never ran:`, ...r.unreadable.map(showFinding));
  }
  if (r.missing.length > 0) {
    parts.push(`expected but not reported:`, ...r.missing.map((e) => `  - ${e.file}:${e.line}${e.column === undefined ? '' : `:${e.column}`}`));
  }
  if (r.unexpected.length > 0) parts.push(`reported but not expected:`, ...r.unexpected.map(showFinding));
  return parts.length === 0 ? '' : [`${c.rule} / ${c.name}`, ...parts].join('\n');
}

function showFinding(f: Finding): string {
  return `  + ${f.file}:${f.line}:${f.column} ${f.ruleId}: ${f.message}`;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (e.name.endsWith('.yaml')) out.push(p);
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
