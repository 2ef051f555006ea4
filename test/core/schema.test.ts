import { describe, expect, it } from 'vitest';
import { displayPath, documentKind, validateSchema } from '../../src/policy/schema.js';
import { parseSource } from '../../src/policy/source.js';

/** Schema findings of one file as `line:column message`, in source order. */
function check(text: string): string[] {
  const f = parseSource('t.yaml', text);
  expect(f.syntaxErrors).toEqual([]);
  return validateSchema(f)
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((x) => `${x.line}:${x.column} ${x.message}`);
}

const CLUSTER = 'kind: cluster\nname: shop\nprimary: db1:3306\n';

describe('validateSchema', () => {
  it('accepts a minimal cluster and a minimal fleet', () => {
    expect(check(`${CLUSTER}hosts:\n  db1:3306: {}\n`)).toEqual([]);
    expect(check('kind: fleet\n')).toEqual([]);
  });

  it('reports an unknown key at the key, with a suggestion when one is close', () => {
    expect(check(`${CLUSTER}hosts:\n  db1:3306: { promotoin: prefer }\n`)).toEqual([
      '5:15 Unknown key "promotoin" in "hosts.db1:3306". Did you mean "promotion"?',
    ]);
    expect(check(`${CLUSTER}hosts:\n  db1:3306: {}\nweight: 3\n`)).toEqual(['6:1 Unknown key "weight" in the cluster document.']);
  });

  it('suggests the closest enum value', () => {
    expect(check(`${CLUSTER}hosts:\n  db1:3306: { promotion: prefered }\n`)).toEqual([
      '5:26 "hosts.db1:3306.promotion" must be one of prefer, neutral, prefer_not, must_not (got "prefered"). Did you mean "prefer"?',
    ]);
    expect(check(`${CLUSTER}hosts:\n  db1:3306: { role: primary }\n`)).toEqual([
      '5:21 "hosts.db1:3306.role" must be one of backup, reporting, olap, dev, delayed (got "primary").',
    ]);
  });

  it('names a missing required key and points at the object that lacks it', () => {
    expect(check('kind: cluster\nname: shop\nhosts: { db1: {} }\n')).toEqual(['1:1 Missing required key "primary" in the cluster document.']);
    const fleet = 'kind: fleet\norchestrator:\n  deployments:\n    main:\n      httpPort: 3000\n';
    expect(check(fleet)).toEqual(['4:5 Missing required key "raft" in "orchestrator.deployments.main".']);
  });

  it('reports an invalid host key once, at the key', () => {
    const text = `${CLUSTER}hosts:\n  db1:3306: {}\n  db2:70000: {}\n  db3:0: {}\n  "db 4": {}\n  "2001:db8::5": {}\n`;
    expect(check(text)).toEqual([
      '6:3 Invalid host key "db2:70000": must be host:port, host, or [IPv6]:port (port 1 to 65535), such as db1:3306 or [::1]:3306.',
      '7:3 Invalid host key "db3:0": must be host:port, host, or [IPv6]:port (port 1 to 65535), such as db1:3306 or [::1]:3306.',
      '8:3 Invalid host key "db 4": must be host:port, host, or [IPv6]:port (port 1 to 65535), such as db1:3306 or [::1]:3306.',
      '9:3 Invalid host key "2001:db8::5": must be host:port, host, or [IPv6]:port (port 1 to 65535), such as db1:3306 or [::1]:3306.',
    ]);
  });

  it('accepts every documented host key form', () => {
    const keys = ['db1:3306', 'db1', 'DB-1.example.com:65535', '10.0.0.141:3306', '"[::1]:3306"', '"[::1]"', '"[2001:db8::1]:1"'];
    const text = `${CLUSTER}hosts:\n${keys.map((k) => `  ${k}: {}\n`).join('')}`;
    expect(check(text)).toEqual([]);
  });

  it('checks host references in lists with the same pattern', () => {
    expect(check(`${CLUSTER}hosts: { db1:3306: {} }\ncandidates:\n  whitelist: [db1:65536]\n`)).toEqual([
      '6:15 "candidates.whitelist[0]" has an invalid value "db1:65536": must be host:port, host, or [IPv6]:port (port 1 to 65535), such as db1:3306 or [::1]:3306.',
    ]);
  });

  it('describes type errors by what was found', () => {
    const text = `${CLUSTER}hosts:\n  db1:3306: { semiSyncPriority: high, dc: 5 }\n  db2:3306: { dc: [a] }\n  db3:3306: { dc: { x: 1 } }\n  db4:3306: { dc: null }\n`;
    expect(check(text)).toEqual([
      '5:33 "hosts.db1:3306.semiSyncPriority" must be integer (got the string "high").',
      '5:43 "hosts.db1:3306.dc" must be string (got number 5).',
      // A collection is underlined by its key.
      '6:15 "hosts.db2:3306.dc" must be string (got a list).',
      '7:15 "hosts.db3:3306.dc" must be string (got a map).',
      '8:19 "hosts.db4:3306.dc" must be string (got null).',
    ]);
  });

  it('locates errors under keys that need pointer escaping', () => {
    const text = `${CLUSTER}hosts:\n  db1:3306: {}\n  "a~b/c": { dc: 5 }\n`;
    const found = check(text);
    expect(found).toContain('6:18 "hosts.a~b/c.dc" must be string (got number 5).');
    expect(found.filter((m) => m.startsWith('6:3 '))).toHaveLength(1);
  });

  it('reports a wrong kind, and a document that is not a map', () => {
    expect(check('kind: clusters\nname: shop\nprimary: db1\nhosts: { db1: {} }\n')).toEqual(['1:7 "kind" must be "cluster" (got "clusters").']);
    expect(check('- kind: cluster\n')).toEqual(['1:1 the cluster document must be object (got a list).']);
    expect(check('just text\n')).toEqual(['1:1 the cluster document must be object (got the string "just text").']);
  });

  it('explains patterns by what the value is for', () => {
    const fleet = 'kind: fleet\ncmon: { configDir: etc/cmon.d }\norchestrator:\n  deployments:\n    "bad name": { raft: { nodes: [orc1] } }\n';
    expect(check(fleet)).toEqual([
      '2:20 "cmon.configDir" has an invalid value "etc/cmon.d": must be an absolute path (starting with "/").',
      '5:5 Invalid key "bad name" in "orchestrator.deployments": must start with a letter or digit and hold only letters, digits, "_", "." and "-".',
    ]);
  });

  it('reports range errors with the bound', () => {
    expect(check(`${CLUSTER}hosts: { db1:3306: {} }\nsemiSync: { waitForReplicaCount: 0 }\n`)).toEqual(['5:34 "semiSync.waitForReplicaCount" must be >= 1.']);
  });
});

describe('documentKind and displayPath', () => {
  it('treats anything but kind: fleet as a cluster document', () => {
    expect(documentKind({ kind: 'fleet' })).toBe('fleet');
    expect(documentKind({ kind: 'cluster' })).toBe('cluster');
    expect(documentKind(['kind', 'fleet'])).toBe('cluster');
    expect(documentKind(null)).toBe('cluster');
  });

  it('writes indices in brackets and keys with dots', () => {
    expect(displayPath(['candidates', 'whitelist', 0])).toBe('candidates.whitelist[0]');
    expect(displayPath(['hosts', 'db1:3306', 'dc'])).toBe('hosts.db1:3306.dc');
    expect(displayPath([])).toBe('');
  });
});
