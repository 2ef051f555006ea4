import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cmonEntries } from '../../src/compile/cmon.js';
import { mergeCnf } from '../../src/compile/cmon-merge.js';
import { compile } from '../../src/compile/index.js';
import { lintOrchestratorConfig } from '../../src/compile/orchestrator-config-lint.js';
import { Notes } from '../../src/compile/unexpressed.js';
import { ORCHESTRATOR_RELEASES, type OrchestratorRelease } from '../../src/policy/model.js';
import { RULES } from '../../src/rules/index.js';
import { ROOT, repoOf } from './helpers.js';

// The pages of the rules raised by `build` and `lint --orchestrator-config`: same layout as every
// rule page, and their examples do what the page says.
const SECTIONS = ['Why', 'Bad', 'Good', 'How to suppress'];
const OWN = RULES.filter((r) => r.scope === 'engine' && r.command !== undefined);

function page(id: string): { lines: string[]; sections: Map<string, string> } {
  const text = readFileSync(join(ROOT, 'docs/rules', `${id}.md`), 'utf8');
  const sections = new Map<string, string>();
  for (const part of text.split(/^## /m).slice(1)) {
    const nl = part.indexOf('\n');
    sections.set(part.slice(0, nl), part.slice(nl + 1));
  }
  return { lines: text.split('\n'), sections };
}

function blocks(section: string, lang: string): string[] {
  return [...section.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
}

/** The orchestrator release a section's examples are linted with, when its prose names one as `--release X`. */
function releaseOf(section: string): OrchestratorRelease | undefined {
  const named = /`--release ([^`]+)`/.exec(section)?.[1];
  if (named === undefined) return undefined;
  const release = ORCHESTRATOR_RELEASES.find((r) => r === named);
  if (release === undefined) throw new Error(`--release ${named} is not one of ${ORCHESTRATOR_RELEASES.join(', ')}`);
  return release;
}

function raisedBy(id: string, command: string | undefined, section: string): string[] {
  if (command === 'lint --orchestrator-config') {
    return blocks(section, 'json').flatMap((b) => lintOrchestratorConfig('example.json', b, releaseOf(section)).map((f) => f.ruleId));
  }
  if (id === 'cnf-duplicate-managed-key') {
    const repo = repoOf({ 'shop.yaml': 'kind: cluster\nname: shop\nprimary: db-1:3306\ncmon: { clusterId: 1 }\nhosts:\n  db-1:3306: {}\n' });
    const entries = cmonEntries(repo.clusters[0]!, undefined, new Notes('cmon'));
    return blocks(section, 'ini').flatMap((b) => mergeCnf(Buffer.from(b, 'utf8'), entries).problems.map(() => id));
  }
  return blocks(section, 'yaml').flatMap((b) => compile(repoOf({ 'example.yaml': b }), ['cmon']).findings.map((f) => f.ruleId));
}

it('covers every build and orchestrator-config rule', () => {
  expect(OWN.length).toBe(22);
});

for (const rule of OWN) {
  describe(rule.id, () => {
    const { lines, sections } = page(rule.id);

    it('page: title, severity, description, sections', () => {
      expect(lines[0]).toBe(`# ${rule.id}`);
      expect(lines[2]).toBe(`Severity: **${rule.severity}**`);
      expect(lines[4]).toBe(rule.description);
      expect([...sections.keys()]).toEqual(SECTIONS);
      for (const s of SECTIONS) expect(sections.get(s)!.trim()).not.toBe('');
      expect(sections.get('How to suppress')).toContain('cannot be suppressed');
    });

    if (rule.id === 'build-drift') return;
    const command = rule.scope === 'engine' ? rule.command : undefined;

    it('page: the Bad example raises the rule', () => {
      expect(raisedBy(rule.id, command, sections.get('Bad')!)).toContain(rule.id);
    });

    it('page: the Good example does not', () => {
      const ids = raisedBy(rule.id, command, sections.get('Good')!);
      if (command === 'lint --orchestrator-config') expect(ids).toEqual([]);
      else expect(ids).not.toContain(rule.id);
    });
  });
}
