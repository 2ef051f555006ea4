import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSnapshot, parseSnapshot, readSnapshot } from '../../src/topology/snapshot.js';
import { makeTopology, TopologyError, type Instance } from '../../src/topology/model.js';

const primary: Instance = {
  key: 'db-1:3306', host: 'db-1', port: 3306, reachable: true, flavor: 'mysql', serverId: 1, readOnly: false,
  version: { text: '8.0.36', major: 8, minor: 0, patch: 36 }, gtid: { flavor: 'mysql', mode: 'ON', executed: '3c1f6e8a-5b4d-11ee-8c99-0242ac120002:1-10' },
  semiSync: { names: 'source/replica', sourceEnabled: true, replicaEnabled: false, sourceStatus: true, clients: 1, waitForReplicaCount: 1, timeoutMs: 10000, waitPoint: 'AFTER_SYNC' },
};
const replica: Instance = {
  // Written with keys in another order: the snapshot's order must not depend on it.
  source: 'db-1:3306', port: 3307, host: 'db-1', key: 'db-1:3307', reachable: true,
  replication: {
    usingGtid: 'auto', sourceHost: 'db-1', sourcePort: 3306, ioThread: 'yes', sqlThread: 'no', lastIoErrno: 0, lastIoError: '',
    lastSqlErrno: 1062, lastSqlError: 'Duplicate entry', lagSeconds: null, sqlDelay: 0, sqlRemainingDelay: null, hasFilters: true,
    filters: { doDb: ['app'], ignoreDb: [], doTable: [], ignoreTable: [], wildDoTable: [], wildIgnoreTable: [], doDomainIds: [], ignoreDomainIds: [], ignoreServerIds: [] },
  },
};
const down: Instance = { key: '[::1]:3306', host: '::1', port: 3306, reachable: false, error: 'connection refused' };

describe('topology snapshots', () => {
  const t = makeTopology([replica, down, primary], { kind: 'mysql', detail: 'mysql://db-1:3306' }, '2026-11-24T08:00:00Z');

  it('sorts instances and derives the unreachable list', () => {
    expect(t.instances.map((i) => i.key)).toEqual(['[::1]:3306', 'db-1:3306', 'db-1:3307']);
    expect(t.unreachable).toEqual([{ key: '[::1]:3306', error: 'connection refused' }]);
  });

  it('escapes DEL and C1 controls a server sent, so that its own snapshot is readable; raw, they are refused at their position', () => {
    const odd = makeTopology([{ ...down, error: 'bad \x7f byte \x86 and \x9b[2J' }], t.origin, t.collectedAt);
    const text = formatSnapshot(odd);
    expect(text).toContain('"error": "bad \\u007f byte \\u0086 and \\u009b[2J"');
    expect(parseSnapshot('s.json', text)).toEqual(odd);
    const raw = text.replace('\\u0086', '\x86');
    const line = raw.slice(0, raw.indexOf('\x86')).split('\n');
    expect(() => parseSnapshot('s.json', raw)).toThrow(new TopologyError(`s.json:${line.length}:${line.at(-1)!.length + 1}: Character U+0086 (a control character) is not allowed in YAML`));
  });

  it('writes stable text that reads back to the same topology', () => {
    const text = formatSnapshot(t);
    expect(formatSnapshot(makeTopology([primary, down, replica], t.origin, t.collectedAt))).toBe(text);
    expect(text.indexOf('"key": "db-1:3307"')).toBeLessThan(text.indexOf('"source": "db-1:3306"'));
    expect(parseSnapshot('s.json', text)).toEqual(t);
  });

  it('reports schema errors with file:line:column', () => {
    const text = formatSnapshot(t).replace('"sqlDelay": 0', '"sqlDelay": "0"').replace('"flavor": "mysql",\n', '"flavor": "oracle",\n');
    let message = '';
    try {
      parseSnapshot('bad.json', text);
    } catch (e) {
      expect(e).toBeInstanceOf(TopologyError);
      message = (e as Error).message;
    }
    const lines = text.split('\n');
    const delayLine = lines.findIndex((l) => l.includes('"sqlDelay"')) + 1;
    const flavorLine = lines.findIndex((l) => l.includes('"oracle"')) + 1;
    expect(message).toContain(`bad.json:${delayLine}:`);
    expect(message).toContain('"instances[2].replication.sqlDelay" must be integer');
    expect(message).toContain(`bad.json:${flavorLine}:`);
    expect(message).toContain('"instances[1].flavor" must be one of mysql, percona, mariadb');
  });

  it('reports unknown keys at the key, and missing ones', () => {
    const text = '{\n  "format": 1,\n  "origin": {"kind": "mysql", "detail": ""},\n  "instances": [\n    {"key": "a:1", "host": "a", "port": 1, "reachable": true, "colour": "red"}\n  ]\n}\n';
    expect(() => parseSnapshot('u.json', text)).toThrow('u.json:5:63: unknown key "colour" in "instances[0]"');
    expect(() => parseSnapshot('m.json', '{"format": 1, "instances": []}')).toThrow('m.json:1:1: missing required key "origin" in the snapshot');
  });

  it('reports what the schema cannot: mismatched keys, duplicates, self-replication', () => {
    const inst = (key: string, host: string, port: number, extra = ''): string => `    {"key": "${key}", "host": "${host}", "port": ${port}, "reachable": true${extra}}`;
    const text = `{\n  "format": 1,\n  "origin": {"kind": "mysql", "detail": ""},\n  "instances": [\n${[
      inst('a:1', 'b', 1), inst('c:2', 'c', 2, ', "source": "c:2"'), inst('c:2', 'c', 2),
    ].join(',\n')}\n  ]\n}\n`;
    expect(() => parseSnapshot('k.json', text)).toThrow(
      ['k.json:5:13: key "a:1" does not match host "b" and port 1', 'k.json:6:73: instance "c:2" names itself as its source', 'k.json:7:13: instance "c:2" appears more than once'].join('\n'),
    );
  });

  it('reads keys in any spelling of their host as canonical keys, and catches two spellings of one host', () => {
    const inst = (key: string, host: string, extra = ''): string => `    {"key": "${key}", "host": "${host}", "port": 3306, "reachable": true${extra}}`;
    const snapshot = (...instances: string[]) => `{\n  "format": 1,\n  "origin": {"kind": "mysql", "detail": ""},\n  "instances": [\n${instances.join(',\n')}\n  ]\n}\n`;
    const read = parseSnapshot('s.json', snapshot(inst('[0:0:0:0:0:0:0:1]:3306', '::1'), inst('127.0.0.2:3306', '::ffff:127.0.0.2', ', "source": "[::0001]:3306"'), inst('db3:3306', 'DB3')));
    expect(read.instances.map((i) => [i.key, i.source])).toEqual([['127.0.0.2:3306', '[::1]:3306'], ['[::1]:3306', undefined], ['db3:3306', undefined]]);
    expect(() => parseSnapshot('d.json', snapshot(inst('[::1]:3306', '::1'), inst('[0:0::1]:3306', '0::1')))).toThrow('d.json:6:13: instance "[0:0::1]:3306" appears more than once');
    expect(() => parseSnapshot('n.json', snapshot(inst('[::1]:3306', '::2')))).toThrow('n.json:5:13: key "[::1]:3306" does not match host "::2" and port 3306');
    expect(() => parseSnapshot('o.json', snapshot(inst('[::1]:3306', '::1', ', "source": "[0::1]:3306"')))).toThrow('instance "[::1]:3306" names itself as its source');
  });

  it('reports a key repeated inside one object, which JSON.parse alone would let through', () => {
    const text = '{\n  "format": 1,\n  "origin": {"kind": "mysql", "detail": "a\\": \\"b"},\n  "instances": [\n    {"key": "a:1", "host": "a", "port": 1, "reachable": true, "port": 2}\n  ]\n}\n';
    expect(() => parseSnapshot('d.json', text)).toThrow(/^d\.json:5:\d+: Map keys must be unique/);
    // The same text without the repeated key is fine, escaped quotes and colons in strings included.
    expect(parseSnapshot('d.json', text.replace(', "port": 2', '')).origin.detail).toBe('a": "b');
  });

  it('reports syntax errors with their position, and unreadable files', () => {
    expect(() => parseSnapshot('s.json', '{\n  "format": 1,\n  "origin": {\n}')).toThrow(/^s\.json:\d+:\d+: /);
    expect(() => readSnapshot('/nonexistent/topology.json')).toThrow('cannot read topology snapshot /nonexistent/topology.json: no such file or directory');
    const dir = mkdtempSync(join(tmpdir(), 'succession-snap-'));
    try {
      writeFileSync(join(dir, 't.json'), formatSnapshot(t));
      expect(readSnapshot(join(dir, 't.json')).instances).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
