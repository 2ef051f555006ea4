import { describe, expect, it } from 'vitest';
import type { CompileReport } from '../../src/compile/artifact.js';
import { splitOwnNotes } from '../../src/compile/deferred-notes.js';
import { findingKey, positioned } from '../../src/compile/index.js';
import { placeNote } from '../../src/compile/unplaced-note.js';
import { resolveCluster, resolveFleet } from '../../src/policy/resolve.js';
import { parseSource } from '../../src/policy/source.js';

const fleetFile = parseSource('fleet.yaml', 'kind: fleet\ndefaults:\n  datacenters: { preventCrossDatacenter: true }\n');
const clusterFile = parseSource(
  'shop.yaml',
  ['kind: cluster', 'name: shop', 'primary: db1:3306', 'hosts:', '  db1:3306: { dc: dc1 }', '  db2:3306: { dc: dc1, promotion: prefer }', ''].join('\n'),
);
const cluster = resolveCluster(clusterFile, resolveFleet(fleetFile));

const note = (path: (string | number)[], message = 'cmon: cannot say it', file = clusterFile): CompileReport => ({ ruleId: 'target-cannot-express', report: { file, path, message } });

describe('splitOwnNotes', () => {
  it('keeps a cluster info notes in its own file unpositioned, each once, as positioned findings would be de-duplicated', () => {
    // why: the paths of the first two do not exist; both fall back to the same host key, one place.
    const reports = [
      note(['hosts', 'db1:3306', 'x']),
      note(['hosts', 'db1:3306', 'y']),
      note(['hosts', 'db1:3306', 'x']),
      note(['name']),
      note(['hosts', 'db2:3306', 'promotion'], 'MHA: another note'),
      note(['defaults', 'datacenters', 'preventCrossDatacenter'], 'cmon: a fleet default', fleetFile),
      { ruleId: 'unsafe-engine-value', report: { file: clusterFile, path: ['name'], message: 'cmon: unsafe', hint: 'quote it' } } as CompileReport,
    ];
    const { notes, others } = splitOwnNotes(cluster, reports);
    expect(others).toEqual([reports[5], reports[6]]);
    const sources = new Map([clusterFile, fleetFile].map((s) => [s.path, s]));
    const placed = notes.map((n) => placeNote(n, (p) => sources.get(p)!));
    const distinct = new Map(positioned(reports.slice(0, 5)).map((f) => [findingKey(f), f]));
    expect(new Map(placed.map((f) => [findingKey(f), f]))).toEqual(distinct);
    expect(placed).toHaveLength(3);
  });

  it('sends notes as plain data, with files by path', () => {
    const { notes } = splitOwnNotes(cluster, [note(['hosts', 'db2:3306', 'promotion'])]);
    expect(JSON.parse(JSON.stringify(notes))).toEqual([{ ruleId: 'target-cannot-express', severity: 'info', file: 'shop.yaml', path: ['hosts', 'db2:3306', 'promotion'], message: 'cmon: cannot say it' }]);
  });
});
