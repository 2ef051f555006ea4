import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings.js';
import { lint } from '../../src/lint.js';
import { parseSource } from '../../src/policy/source.js';
import { RULES_BY_ID } from '../../src/rules/index.js';
import { UNSUPPRESSIBLE, applySuppressions, parseDirectives } from '../../src/suppress.js';

const KNOWN = new Set(RULES_BY_ID.keys());

function finding(ruleId: string, line: number, file = 'a.yaml'): Finding {
  return { ruleId, severity: 'error', message: `${ruleId} here`, file, line, column: 1, endLine: line, endColumn: 2 };
}

/** The findings left after suppression, as `file:line ruleId` (plus the message for suppression findings). */
function after(findings: Finding[], files: Record<string, string>): string[] {
  const sources = Object.entries(files).map(([path, text]) => parseSource(path, text));
  return applySuppressions(findings, sources, KNOWN)
    .map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}${f.ruleId.includes('suppression') ? `: ${f.message}` : ''}`)
    .sort();
}

describe('parseDirectives', () => {
  it('reads kind, rules, reason and position', () => {
    const text = 'a: 1\n  # succession-disable-next-line undeclared-host, schema -- renamed in OPS-1\nb: 2\n';
    expect(parseDirectives(text)).toEqual([
      { kind: 'next-line', rules: ['undeclared-host', 'schema'], reason: 'renamed in OPS-1', line: 2, column: 3, endColumn: 77, targetLine: 3 },
    ]);
  });

  it('skips blank and comment-only lines to find the next line', () => {
    const text = '# succession-disable-next-line x -- y\n\n   \n# another comment\n  # indented comment\nkey: 1\n';
    expect(parseDirectives(text)[0]?.targetLine).toBe(6);
  });

  it('does not skip a block scalar line that starts with "#"', () => {
    const text = 'script: | # succession-disable-next-line x -- y\n  #!/bin/sh\n  echo\nnext: 1\n';
    expect(parseDirectives(text)[0]?.targetLine).toBe(2);
  });

  it('skips a comment line to reach the block scalar line after it', () => {
    const text = 'a: |\n  x\n# succession-disable-next-line x -- y\n# plain comment\nb: |\n  # content\n';
    expect(parseDirectives(text)[0]?.targetLine).toBe(5);
  });

  it('applies a trailing directive to the following line, not its own', () => {
    expect(parseDirectives('a: 1 # succession-disable-next-line x -- y\nb: 2\n')[0]).toMatchObject({ line: 1, column: 6, targetLine: 2 });
  });

  it('has no target at the end of the file', () => {
    expect(parseDirectives('a: 1\n# succession-disable-next-line x -- y\n\n# trailing\n')[0]?.targetLine).toBeUndefined();
  });

  it('treats a missing or blank reason as none', () => {
    const text = '#succession-disable-file x\n# succession-disable-file x --\n# succession-disable-file x --   \n# succession-disable-file x -- -- \n';
    expect(parseDirectives(text).map((d) => d.reason)).toEqual([undefined, undefined, undefined, '--']);
  });

  it('handles CRLF line ends', () => {
    const text = 'a: 1\r\n# succession-disable-next-line x -- why\r\nb: 2\r\n';
    expect(parseDirectives(text)[0]).toMatchObject({ line: 2, reason: 'why', targetLine: 3 });
  });

  it('reads directives from comments only, not from quoted or block scalars', () => {
    const text = [
      'a: "# succession-disable-file undeclared-host -- in a string"',
      'b: |',
      '  # succession-disable-file undeclared-host -- in a block scalar',
      "c: '#succession-disable-file x -- quoted' # succession-disable-next-line undeclared-host -- real",
      'd: 1',
      'e: [',
      '  1, # succession-disable-next-line raft-node-count -- inside a flow sequence',
      '  2 ]',
      '',
    ].join('\n');
    expect(parseDirectives(text).map((d) => `${d.line}:${d.column} ${d.rules.join(',')} -> ${d.targetLine}`)).toEqual([
      '4:43 undeclared-host -> 5',
      '7:6 raft-node-count -> 8',
    ]);
  });

  it('ignores look-alike words', () => {
    expect(parseDirectives('# succession-disable-next-lines x -- y\n# succession-enable-file x -- y\n')).toEqual([]);
  });
});

describe('applySuppressions', () => {
  it('suppresses a finding on the next line only', () => {
    const text = 'a: 1\n# succession-disable-next-line undeclared-host -- why\nb: 2\nc: 3\n';
    expect(after([finding('undeclared-host', 3), finding('undeclared-host', 4)], { 'a.yaml': text })).toEqual(['a.yaml:4:1 undeclared-host']);
  });

  it('suppresses a rule in the whole file, and only in that file', () => {
    const text = '# succession-disable-file undeclared-host -- why\na: 1\nb: 2\n';
    const findings = [finding('undeclared-host', 2), finding('undeclared-host', 3), finding('undeclared-host', 1, 'b.yaml'), finding('raft-node-count', 3)];
    expect(after(findings, { 'a.yaml': text, 'b.yaml': 'x: 1\n' })).toEqual(['a.yaml:3:1 raft-node-count', 'b.yaml:1:1 undeclared-host']);
  });

  it('reports a directive without a reason, and still applies it', () => {
    const text = 'a: 1\n  # succession-disable-next-line undeclared-host\nb: 2\n';
    expect(after([finding('undeclared-host', 3)], { 'a.yaml': text })).toEqual([
      'a.yaml:2:3 suppression-without-reason: succession-disable-next-line needs a reason: add "-- <why this is safe>".',
    ]);
  });

  it('reports a directive that suppressed nothing, naming the line it looked at', () => {
    const text = '# succession-disable-file raft-node-count -- why\na: 1\n# succession-disable-next-line undeclared-host -- why\nb: 2\n';
    expect(after([finding('undeclared-host', 2)], { 'a.yaml': text })).toEqual([
      'a.yaml:1:1 unused-suppression: Unused suppression: no "raft-node-count" finding in this file.',
      'a.yaml:2:1 undeclared-host',
      'a.yaml:3:1 unused-suppression: Unused suppression: no "undeclared-host" finding on line 4.',
    ]);
  });

  it('reports an unknown rule with a suggestion, and leaves the finding', () => {
    const text = '# succession-disable-next-line undeclared-hots -- why\nb: 2\n';
    expect(after([finding('undeclared-host', 2)], { 'a.yaml': text })).toEqual([
      'a.yaml:1:1 unused-suppression: "undeclared-hots" is not a succession rule. Did you mean "undeclared-host"?',
      'a.yaml:2:1 undeclared-host',
    ]);
  });

  it('never suppresses syntax, schema or suppression findings', () => {
    expect([...UNSUPPRESSIBLE].sort()).toEqual(['hook-password-literal', 'schema', 'suppression-without-reason', 'syntax', 'unused-suppression']);
    const text = '# succession-disable-file syntax, schema -- why\na: 1\n';
    expect(after([finding('syntax', 2), finding('schema', 2)], { 'a.yaml': text })).toEqual([
      'a.yaml:1:1 unused-suppression: "schema" findings cannot be suppressed.',
      'a.yaml:1:1 unused-suppression: "syntax" findings cannot be suppressed.',
      'a.yaml:2:1 schema',
      'a.yaml:2:1 syntax',
    ]);
  });

  it('reports a directive naming no rule, and one with no line after it', () => {
    const text = 'a: 1\n# succession-disable-next-line -- why\nb: 2\n# succession-disable-next-line undeclared-host -- why\n';
    expect(after([], { 'a.yaml': text })).toEqual([
      'a.yaml:2:1 unused-suppression: succession-disable-next-line names no rule.',
      'a.yaml:4:1 unused-suppression: succession-disable-next-line undeclared-host has no line after it.',
    ]);
  });

  it('checks each rule of a directive on its own', () => {
    const text = '# succession-disable-next-line undeclared-host raft-node-count -- why\nb: 2\n';
    expect(after([finding('undeclared-host', 2)], { 'a.yaml': text })).toEqual([
      'a.yaml:1:1 unused-suppression: Unused suppression: no "raft-node-count" finding on line 2.',
    ]);
  });
});

describe('suppression through lint()', () => {
  const cluster = (extra: string) =>
    `kind: cluster\nname: shop\nprimary: db1:3306\nhosts:\n  db1:3306: {}\n${extra}  db2:3306: {}\n  db3:3306: { role: backup }\n`;

  it('removes the suppressed finding and reports nothing else', () => {
    const text = cluster('  # succession-disable-next-line single-promotable-candidate -- db3 is rebuilt this week\n');
    expect(lint([{ path: 'c.yaml', text }]).findings).toEqual([]);
    expect(lint([{ path: 'c.yaml', text: cluster('') }]).findings.map((f) => f.ruleId)).toEqual(['single-promotable-candidate']);
  });

  it('keeps a schema finding despite a directive, and flags the directive', () => {
    const text = 'kind: cluster\nname: shop\nprimary: db1\n# succession-disable-next-line schema -- coming soon\nweight: 1\nhosts: { db1: {}, db2: {} }\n';
    expect(lint([{ path: 'c.yaml', text }]).findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual(['4 unused-suppression', '5 schema']);
  });
});
