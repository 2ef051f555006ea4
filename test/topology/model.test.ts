import { describe, expect, it } from 'vitest';
import {
  compareKeys,
  detectFlavor,
  hostKey,
  makeTopology,
  parseVersion,
  replicasOf,
  roots,
  versionAtLeast,
  writable,
  type Instance,
} from '../../src/topology/model.js';
import { parseMariaDbGtidPos, parseMySqlGtidSet } from '../../src/topology/gtid-text.js';

describe('topology model helpers', () => {
  it('parses versions with their suffixes, and the MariaDB handshake prefix', () => {
    expect(parseVersion('10.11.19-MariaDB-0+deb12u1-log')).toEqual({ text: '10.11.19-MariaDB-0+deb12u1-log', major: 10, minor: 11, patch: 19 });
    expect(parseVersion('5.5.5-10.6.16-MariaDB')).toMatchObject({ major: 10, minor: 6, patch: 16 });
    expect(parseVersion('8.0.36-28')).toMatchObject({ major: 8, minor: 0, patch: 36 });
    expect(parseVersion('garbage')).toBeUndefined();
    expect(versionAtLeast(parseVersion('8.0.26')!, 8, 0, 26)).toBe(true);
    expect(versionAtLeast(parseVersion('8.0.25')!, 8, 0, 26)).toBe(false);
    expect(versionAtLeast(parseVersion('10.0.0')!, 8, 0, 26)).toBe(true);
  });

  it('tells the flavor from the version and its comment', () => {
    expect(detectFlavor('10.11.19-MariaDB-0+deb12u1-log', 'Debian 12')).toBe('mariadb');
    expect(detectFlavor('8.0.36-28', 'Percona Server (GPL), Release 28')).toBe('percona');
    expect(detectFlavor('8.0.36', 'MySQL Community Server - GPL')).toBe('mysql');
  });

  it('parses MariaDB GTID positions, one per domain', () => {
    expect(parseMariaDbGtidPos('')).toEqual([]);
    expect(parseMariaDbGtidPos('0-1-3, 1-2-18446744073709551615')).toEqual([
      { domainId: 0, serverId: 1, sequence: 3n },
      { domainId: 1, serverId: 2, sequence: 18446744073709551615n },
    ]);
    expect(parseMariaDbGtidPos('0-1')).toBeUndefined();
  });

  it('parses MySQL GTID sets, including newlines and tagged GTIDs', () => {
    const set = parseMySqlGtidSet('5E9D2A10-1b2c-11ee-9c3a-0242ac120002:1-100:105,\n6a1f0c8e-1b2c-11ee-9d51-0242ac120003:1-5:mytag:1-2');
    expect(set).toEqual(
      new Map([
        ['5e9d2a10-1b2c-11ee-9c3a-0242ac120002', [{ start: 1n, end: 100n }, { start: 105n, end: 105n }]],
        ['6a1f0c8e-1b2c-11ee-9d51-0242ac120003', [{ start: 1n, end: 5n }]],
        ['6a1f0c8e-1b2c-11ee-9d51-0242ac120003:mytag', [{ start: 1n, end: 2n }]],
      ]),
    );
    expect(parseMySqlGtidSet('')).toEqual(new Map());
    expect(parseMySqlGtidSet('not-a-uuid:1-5')).toBeUndefined();
    expect(parseMySqlGtidSet('5e9d2a10-1b2c-11ee-9c3a-0242ac120002:5-1')).toBeUndefined();
    expect(parseMySqlGtidSet('5e9d2a10-1b2c-11ee-9c3a-0242ac120002:tag')).toBeUndefined();
  });

  it('sorts keys by host, then port as a number; formats IPv6 in brackets', () => {
    expect(['db:3307', 'db:10000', 'a:5', '[::1]:3306'].sort(compareKeys)).toEqual(['[::1]:3306', 'a:5', 'db:3307', 'db:10000']);
    expect(hostKey('DB-1.Example', 3306)).toBe('db-1.example:3306');
    expect(hostKey('::1', 3306)).toBe('[::1]:3306');
  });

  it('answers graph questions: replicas, roots, writable instances', () => {
    const i = (key: string, extra: Partial<Instance> = {}): Instance => ({ key, host: key.split(':')[0]!, port: Number(key.split(':')[1]), reachable: true, ...extra });
    const t = makeTopology(
      [i('c:1', { source: 'a:1', readOnly: true }), i('a:1', { readOnly: false }), i('b:1', { source: 'a:1', readOnly: false }), i('d:1', { reachable: false, error: 'connection refused', source: 'c:1' }), i('e:1', { source: 'gone:1' })],
      { kind: 'mysql', detail: 'mysql://a:1' },
    );
    expect(t.instances.map((x) => x.key)).toEqual(['a:1', 'b:1', 'c:1', 'd:1', 'e:1']);
    expect(replicasOf(t, 'a:1').map((x) => x.key)).toEqual(['b:1', 'c:1']);
    expect(roots(t).map((x) => x.key)).toEqual(['a:1', 'e:1']);
    expect(writable(t).map((x) => x.key)).toEqual(['a:1', 'b:1']);
    expect(t.unreachable).toEqual([{ key: 'd:1', error: 'connection refused' }]);
  });
});
