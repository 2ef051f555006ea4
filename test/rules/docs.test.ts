import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLive } from '../../src/check.js';
import { analyze, lint, type PolicyInput } from '../../src/lint.js';
import { RULES, RULES_BY_ID } from '../../src/rules/index.js';
import { UNSUPPRESSIBLE } from '../../src/suppress.js';
import type { Topology } from '../../src/topology/model.js';
import { parseSnapshot } from '../../src/topology/snapshot.js';
import { caseNames, isLintRule, isLiveRule } from './harness.js';

// Meta-tests: every rule has its source file, its documentation page and its fixture cases, and
// the examples on each page do what the page says.

const DOCS_DIR = fileURLToPath(new URL('../../docs/rules/', import.meta.url));
const RULES_DIR = fileURLToPath(new URL('../../src/rules/', import.meta.url));
/** Modules in src/rules that are not rules. */
const NOT_RULES = new Set(['rule.ts', 'index.ts']);
const SECTIONS = ['Why', 'Bad', 'Good', 'How to suppress'];

interface Page {
  title: string;
  /** Paragraphs before the first section, each joined into one line. */
  preamble: string[];
  /** Every heading outside code fences except the title, as written. */
  headings: string[];
  /** Body of each `## ` section. */
  sections: Map<string, string>;
}

/** Splits a page into title, preamble paragraphs and `## ` sections; code fences are respected. */
function parsePage(text: string): Page {
  const [title = '', ...rest] = text.split('\n');
  const headings: string[] = [];
  const bodies = new Map<string, string[]>();
  const preambleLines: string[] = [];
  let current = preambleLines;
  let inFence = false;
  for (const line of rest) {
    if (line.startsWith('```')) inFence = !inFence;
    if (!inFence && line.startsWith('#')) {
      headings.push(line);
      current = [];
      bodies.set(line.replace(/^#+\s*/, ''), current);
      continue;
    }
    current.push(line);
  }
  const preamble = preambleLines
    .join('\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.split('\n').map((l) => l.trim()).join(' ').trim())
    .filter((p) => p !== '');
  const sections = new Map([...bodies].map(([h, lines]) => [h, lines.join('\n')]));
  return { title, preamble, headings, sections };
}

/** The ```yaml blocks of a section. */
function yamlBlocks(section: string): string[] {
  return [...section.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/**
 * Turns a section's examples into lint inputs: a block starting with `kind: fleet` becomes
 * `fleet.yaml`, any other `<stem>.yaml`; further blocks of the same sort get `-2`, `-3`, ...
 */
function examples(section: string, stem: string): PolicyInput[] {
  const count = new Map<string, number>();
  return yamlBlocks(section).map((text) => {
    const base = text.startsWith('kind: fleet') ? 'fleet' : stem;
    const n = (count.get(base) ?? 0) + 1;
    count.set(base, n);
    return { path: n === 1 ? `${base}.yaml` : `${base}-${n}.yaml`, text };
  });
}

/** The one ```json block of a live rule's section: the topology snapshot its policy is checked against. */
function snapshotOf(section: string, name: string): Topology {
  const blocks = [...section.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  if (blocks.length !== 1) throw new Error(`${name}: expected exactly one \`\`\`json topology snapshot, found ${blocks.length}`);
  return parseSnapshot(name, blocks[0]!);
}

function pageOf(id: string): Page {
  return parsePage(readFileSync(`${DOCS_DIR}${id}.md`, 'utf8'));
}

describe('rule inventory', () => {
  it('every docs page belongs to a rule', () => {
    const strays = readdirSync(DOCS_DIR).filter((f) => !f.endsWith('.md') || !RULES_BY_ID.has(f.slice(0, -3)));
    expect(strays).toEqual([]);
  });

  it('every module in src/rules is a rule named after its file, or a known helper', () => {
    const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && !NOT_RULES.has(f));
    expect(files.map((f) => f.slice(0, -3)).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it('lists the rules sorted by id, each once', () => {
    const ids = RULES.map((r) => r.id);
    expect(ids).toEqual([...new Set(ids)].sort());
  });
});

// Every rule, whatever raises it, has a page: `succession rules <id>` and the SARIF help links
// point there.
for (const rule of RULES) {
  describe(rule.id, () => {
    it('is defined in src/rules/<id>.ts', async () => {
      const mod = (await import(`../../src/rules/${rule.id}.ts`)) as { default: { id: string } };
      expect(mod.default.id).toBe(rule.id);
      expect(mod.default).toBe(rule);
    });

    it('has a docs page', () => {
      expect(existsSync(`${DOCS_DIR}${rule.id}.md`)).toBe(true);
    });

    it('page: title, severity, description, sections', () => {
      const page = pageOf(rule.id);
      expect(page.title).toBe(`# ${rule.id}`);
      expect(page.preamble[0]).toBe(`Severity: **${rule.severity}**`);
      expect(page.preamble[1]).toBe(rule.description);
      expect(page.headings).toEqual(SECTIONS.map((s) => `## ${s}`));
      for (const s of SECTIONS) expect(page.sections.get(s)?.trim(), `section ${s}`).not.toBe('');
    });

    it('page: says how to suppress, or why it cannot be suppressed', () => {
      const text = pageOf(rule.id).sections.get('How to suppress') ?? '';
      const shown = [`# succession-disable-next-line ${rule.id} -- `, `# succession-disable-file ${rule.id} -- `].every((c) => text.includes(c));
      if (UNSUPPRESSIBLE.has(rule.id)) {
        expect(text).toContain('cannot be suppressed');
        expect(text).not.toMatch(new RegExp(`succession-disable-(next-line|file) ${rule.id} --`));
      } else if (isLintRule(rule)) {
        expect(shown, 'both comment forms, with this rule id').toBe(true);
      } else {
        // why: findings of other commands may sit in files without comments (JSON); then the page says so.
        expect(shown || text.includes('cannot be suppressed')).toBe(true);
      }
    });
  });
}

// Examples and fixtures exist for what `lint` raises on policy files, and (below) for the live
// rules of `check`; the rules of other commands are tested through their own commands.
for (const rule of RULES.filter(isLintRule)) {
  describe(`${rule.id} (lint)`, () => {
    it('has fixture cases', () => {
      const names = caseNames(rule.id);
      expect(names.some((n) => n.startsWith('invalid-'))).toBe(true);
      expect(names.some((n) => n.startsWith('valid-'))).toBe(true);
    });

    it('page: the Bad example is reported by this rule', () => {
      const inputs = examples(pageOf(rule.id).sections.get('Bad') ?? '', 'bad');
      expect(inputs.length).toBeGreaterThanOrEqual(1);
      const ids = lint(inputs).findings.map((f) => f.ruleId);
      expect(ids).toContain(rule.id);
    });

    it('page: the Good example lints clean', () => {
      const inputs = examples(pageOf(rule.id).sections.get('Good') ?? '', 'good');
      expect(inputs.length).toBeGreaterThanOrEqual(1);
      const findings = lint(inputs).findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}: ${f.message}`);
      expect(findings).toEqual([]);
    });

    if (UNSUPPRESSIBLE.has(rule.id)) return;
    it('page: a file-level suppression silences the Bad example', () => {
      const inputs = examples(pageOf(rule.id).sections.get('Bad') ?? '', 'bad');
      const hit = new Set(lint(inputs).findings.filter((f) => f.ruleId === rule.id).map((f) => f.file));
      const directive = `# succession-disable-file ${rule.id} -- shown in the rule's documentation\n`;
      const suppressed = inputs.map((i) => (hit.has(i.path) ? { ...i, text: directive + i.text } : i));
      const left = lint(suppressed).findings.filter((f) => f.ruleId === rule.id || f.ruleId.includes('suppression'));
      expect(left.map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`)).toEqual([]);
    });
  });
}

// A live rule's page shows the policy and the live state: its Bad and Good sections each hold the
// policy (```yaml) and a topology snapshot (```json), and are run through `check`.
for (const rule of RULES.filter(isLiveRule)) {
  describe(`${rule.id} (check)`, () => {
    const example = (name: 'Bad' | 'Good') => {
      const section = pageOf(rule.id).sections.get(name) ?? '';
      const inputs = examples(section, name.toLowerCase());
      const topology = snapshotOf(section, `${rule.id}.md (${name})`);
      return { inputs, check: (i: PolicyInput[] = inputs) => checkLive(analyze(i), () => topology) };
    };

    it('has fixture cases with a topology', () => {
      const names = caseNames(rule.id);
      expect(names.some((n) => n.startsWith('invalid-'))).toBe(true);
      expect(names.some((n) => n.startsWith('valid-'))).toBe(true);
    });

    it('page: the Bad example is reported by this rule against its topology', () => {
      const { inputs, check } = example('Bad');
      expect(inputs.length).toBeGreaterThanOrEqual(1);
      expect(check().map((f) => f.ruleId)).toContain(rule.id);
    });

    it('page: the Good example checks clean against its topology', () => {
      const { inputs, check } = example('Good');
      expect(inputs.length).toBeGreaterThanOrEqual(1);
      expect(check().map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}: ${f.message}`)).toEqual([]);
    });

    it('page: a file-level suppression silences the Bad example', () => {
      const { inputs, check } = example('Bad');
      const hit = new Set(check().filter((f) => f.ruleId === rule.id).map((f) => f.file));
      const directive = `# succession-disable-file ${rule.id} -- shown in the rule's documentation\n`;
      const suppressed = inputs.map((i) => (hit.has(i.path) ? { ...i, text: directive + i.text } : i));
      const left = check(suppressed).filter((f) => f.ruleId === rule.id || f.ruleId.includes('suppression'));
      expect(left.map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`)).toEqual([]);
    });
  });
}
