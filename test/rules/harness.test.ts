import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FixtureError, caseNames, describeMismatch, loadCase, parseExpectations, runCase } from './harness.js';

// The harness decides whether every rule test passes, so it must be shown to fail when it should.

const root = mkdtempSync(join(tmpdir(), 'succession-harness-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fixture(rule: string, name: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const abs = join(root, rule, name, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

const ONE_CANDIDATE = (marker: string) => `kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: { dc: dc1 }
  db2:3306: { dc: dc1 }${marker}
  db3:3306: { dc: dc1, role: backup }
`;

describe('parseExpectations', () => {
  it('reads one or several expectations, with and without a column', () => {
    const text = 'a: 1\nb: 2 # expect: schema\nc: 3 #expect: syntax@4, schema\n';
    expect(parseExpectations('x.yaml', text)).toEqual([
      { rule: 'schema', file: 'x.yaml', line: 2 },
      { rule: 'syntax', file: 'x.yaml', line: 3, column: 4 },
      { rule: 'schema', file: 'x.yaml', line: 3 },
    ]);
  });

  it('rejects a malformed expectation', () => {
    expect(() => parseExpectations('x.yaml', 'a: 1 # expect: schema@x\n')).toThrow(FixtureError);
  });

  it('rejects an expectation on a directive line, whose reason would swallow it', () => {
    const text = 'a: 1 # succession-disable-next-line schema -- why # expect: unused-suppression\nb: 2\n';
    expect(() => parseExpectations('x.yaml', text)).toThrow(/expect\.json/);
  });
});

describe('runCase', () => {
  it('passes when findings and expectations agree', () => {
    fixture('single-promotable-candidate', 'invalid-agree', { 'c.yaml': ONE_CANDIDATE(' # expect: single-promotable-candidate@3') });
    const c = loadCase('single-promotable-candidate', 'invalid-agree', root);
    expect(describeMismatch(c, runCase(c))).toBe('');
  });

  it('reports an expectation on the wrong line as missing, and the real finding as unexpected', () => {
    fixture('single-promotable-candidate', 'invalid-wrong-line', {
      'c.yaml': ONE_CANDIDATE('').replace('db3:3306: { dc: dc1, role: backup }', 'db3:3306: { dc: dc1, role: backup } # expect: single-promotable-candidate'),
    });
    const c = loadCase('single-promotable-candidate', 'invalid-wrong-line', root);
    const r = runCase(c);
    expect(r.missing).toEqual([{ rule: 'single-promotable-candidate', file: 'c.yaml', line: 7 }]);
    expect(r.unexpected.map((f) => [f.file, f.line, f.column])).toEqual([['c.yaml', 6, 3]]);
    expect(describeMismatch(c, r)).toContain('expected but not reported:\n  - c.yaml:7');
    expect(describeMismatch(c, r)).toContain('reported but not expected:\n  + c.yaml:6:3 single-promotable-candidate');
  });

  it('checks the column when one is given', () => {
    fixture('single-promotable-candidate', 'invalid-wrong-column', { 'c.yaml': ONE_CANDIDATE(' # expect: single-promotable-candidate@4') });
    const c = loadCase('single-promotable-candidate', 'invalid-wrong-column', root);
    const r = runCase(c);
    expect(r.missing).toHaveLength(1);
    expect(r.unexpected).toHaveLength(1);
  });

  it('fails a valid case in which the rule fires', () => {
    fixture('single-promotable-candidate', 'valid-but-fires', { 'c.yaml': ONE_CANDIDATE('') });
    const c = loadCase('single-promotable-candidate', 'valid-but-fires', root);
    expect(runCase(c).unexpected).toHaveLength(1);
  });

  it('fails a case whose file does not pass the schema, since the rule never ran', () => {
    fixture('single-promotable-candidate', 'valid-unreadable', { 'c.yaml': ONE_CANDIDATE('').replace('name: shop', 'nmae: shop') });
    const c = loadCase('single-promotable-candidate', 'valid-unreadable', root);
    const r = runCase(c);
    expect(r.unreadable.map((f) => f.ruleId)).toContain('schema');
    expect(describeMismatch(c, r)).toContain('never ran');
  });

  it('accepts syntax or schema findings that the case expects on purpose', () => {
    fixture('unused-suppression', 'invalid-expected-schema', {
      'c.yaml': ONE_CANDIDATE('').replace('name: shop', 'name: shop\n# succession-disable-next-line schema -- no\nweight: 1 # expect: schema'),
      'expect.json': '[{ "rule": "unused-suppression", "file": "c.yaml", "line": 3 }]',
    });
    const c = loadCase('unused-suppression', 'invalid-expected-schema', root);
    expect(describeMismatch(c, runCase(c))).toBe('');
  });

  it('reads expectations for directive lines from expect.json', () => {
    fixture('suppression-without-reason', 'invalid-sidecar', {
      'c.yaml': ONE_CANDIDATE('').replace('  db2:3306', '  # succession-disable-next-line single-promotable-candidate\n  db2:3306'),
      'expect.json': '[{ "rule": "suppression-without-reason", "file": "c.yaml", "line": 6, "column": 3 }]',
    });
    const c = loadCase('suppression-without-reason', 'invalid-sidecar', root);
    expect(c.expectations).toEqual([{ rule: 'suppression-without-reason', file: 'c.yaml', line: 6, column: 3 }]);
    expect(describeMismatch(c, runCase(c))).toBe('');
  });
});

describe('loadCase', () => {
  it('rejects a case name without the valid-/invalid- prefix', () => {
    fixture('schema', 'misnamed', { 'c.yaml': 'kind: cluster\n' });
    expect(() => loadCase('schema', 'misnamed', root)).toThrow(FixtureError);
  });

  it('rejects an invalid case that expects nothing of its rule', () => {
    fixture('schema', 'invalid-expects-nothing', { 'c.yaml': 'kind: cluster\n' });
    expect(() => loadCase('schema', 'invalid-expects-nothing', root)).toThrow(/at least once/);
  });

  it('rejects a valid case that expects its rule', () => {
    fixture('schema', 'valid-expects', { 'c.yaml': 'kind: cluster # expect: schema\n' });
    expect(() => loadCase('schema', 'valid-expects', root)).toThrow(/valid case cannot expect/);
  });

  it('rejects an expectation naming no rule', () => {
    fixture('schema', 'invalid-typo', { 'c.yaml': 'kind: cluster # expect: schema, shcema\n' });
    expect(() => loadCase('schema', 'invalid-typo', root)).toThrow(/unknown rule "shcema"/);
  });

  it('rejects an expect.json entry for a file the case does not have', () => {
    fixture('schema', 'invalid-sidecar-file', {
      'c.yaml': 'kind: cluster # expect: schema\n',
      'expect.json': '[{ "rule": "schema", "file": "d.yaml", "line": 1 }]',
    });
    expect(() => loadCase('schema', 'invalid-sidecar-file', root)).toThrow(/no file "d.yaml"/);
  });

  it('lists case directories in order and ignores a missing rule directory', () => {
    expect(caseNames('no-such-rule', root)).toEqual([]);
    expect(caseNames('schema', root)).toEqual([...caseNames('schema', root)].sort());
  });

  it('reads files of subdirectories with paths relative to the case', () => {
    fixture('duplicate-cluster-name', 'invalid-nested', {
      'eu/shop.yaml': 'kind: cluster\nname: shop\nprimary: a\nhosts: { a: {}, b: {}, c: {} }\n',
      'us/shop.yaml': 'kind: cluster\nname: shop # expect: duplicate-cluster-name@7\nprimary: a\nhosts: { a: {}, b: {}, c: {} }\n',
    });
    const c = loadCase('duplicate-cluster-name', 'invalid-nested', root);
    expect(c.inputs.map((i) => i.path)).toEqual(['eu/shop.yaml', 'us/shop.yaml']);
    expect(describeMismatch(c, runCase(c))).toBe('');
  });
});

describe('live cases (topology.json)', () => {
  const POLICY = (marker: string) => `kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: {}
  db2:3306: {}
  db3:3306: {}${marker}
`;
  const instance = (n: number, extra: string) => `{ "key": "db${n}:3306", "host": "db${n}", "port": 3306, "reachable": true${extra} }`;
  const SNAPSHOT = `{ "format": 1, "origin": { "kind": "mysql", "detail": "mysql://db1:3306" }, "instances": [
  ${instance(1, ', "readOnly": false')},
  ${instance(2, ', "readOnly": true, "source": "db1:3306"')},
  ${instance(3, ', "readOnly": true, "source": "db2:3306"')}
] }`;

  it('runs the case as check against the snapshot', () => {
    fixture('live-candidate-not-direct-replica', 'invalid-live', { 'c.yaml': POLICY(' # expect: live-candidate-not-direct-replica@3'), 'topology.json': SNAPSHOT });
    const c = loadCase('live-candidate-not-direct-replica', 'invalid-live', root);
    expect(c.topology?.instances.map((i) => i.key)).toEqual(['db1:3306', 'db2:3306', 'db3:3306']);
    expect(describeMismatch(c, runCase(c))).toBe('');
  });

  it('fails when the topology does not trigger the expected live finding', () => {
    fixture('live-candidate-not-direct-replica', 'invalid-live-direct', {
      'c.yaml': POLICY(' # expect: live-candidate-not-direct-replica'),
      'topology.json': SNAPSHOT.replace('"source": "db2:3306"', '"source": "db1:3306"'),
    });
    const c = loadCase('live-candidate-not-direct-replica', 'invalid-live-direct', root);
    expect(runCase(c).missing).toHaveLength(1);
  });

  it('rejects a live rule case without a topology, and a malformed snapshot', () => {
    fixture('live-host-missing', 'valid-no-topology', { 'c.yaml': POLICY('') });
    expect(() => loadCase('live-host-missing', 'valid-no-topology', root)).toThrow(/needs a topology\.json/);
    fixture('live-host-missing', 'valid-bad-snapshot', { 'c.yaml': POLICY(''), 'topology.json': '{ "format": 1, "instances": [] }' });
    expect(() => loadCase('live-host-missing', 'valid-bad-snapshot', root)).toThrow(/missing required key "origin"/);
  });
});
