import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { cmonEntries } from '../../src/compile/cmon.js';
import { mergeCnf as mergeBytes } from '../../src/compile/cmon-merge.js';
import { Notes } from '../../src/compile/unexpressed.js';
import { FLEET, cluster, repoOf } from './helpers.js';

const repo = repoOf({ 'fleet.yaml': FLEET, 'a.yaml': cluster('a', 7, 'candidates: { whitelist: [a-2:3306, a-3:3306] }\nhooks:\n  preFailover: [/opt/pre]\n') });
const entries = cmonEntries(repo.clusters[0]!, repo.fleet, new Notes('cmon'));

/** The merge on text, for readable cases; the byte-level cases below call it on bytes. */
function mergeCnf(text: string, e: typeof entries): { text?: string; problems: ReturnType<typeof mergeBytes>['problems'] } {
  const r = mergeBytes(Buffer.from(text, 'utf8'), e);
  return { problems: r.problems, ...(r.bytes ? { text: r.bytes.toString('utf8') } : {}) };
}

const EXISTING = `# ClusterControl CMON configuration for cluster 7
cluster_id=7
name='Old name'
type=replication
mysql_password='s3cret'
mysql_server_addresses=10.1.1.1:3306
replication_failover_blacklist=10.1.1.9:3306
; a semicolon comment
  enable_cluster_autorecovery = 0
ssh_identity=/root/.ssh/id_rsa
`;

describe('--merge-into', () => {
  it('replaces managed keys in place, drops the blacklist, appends new keys and keeps every other line', () => {
    const r = mergeCnf(EXISTING, entries);
    expect(r.problems).toEqual([]);
    expect(r.text).toBe(`# ClusterControl CMON configuration for cluster 7
cluster_id=7
name=a
type=replication
mysql_password='s3cret'
mysql_server_addresses=a-1:3306,a-2:3306,a-3:3306,a-4:3306,a-5:3306
; a semicolon comment
  enable_cluster_autorecovery=1
ssh_identity=/root/.ssh/id_rsa
replication_failover_whitelist=a-2:3306,a-3:3306
enable_node_autorecovery=1
replication_pre_failover_script=/opt/pre
`);
    const parsed = ini.parse(r.text!) as Record<string, string>;
    expect(parsed.mysql_password).toBe('s3cret');
    expect(parsed).not.toHaveProperty('replication_failover_blacklist');
  });

  it('is idempotent', () => {
    const once = mergeCnf(EXISTING, entries).text!;
    expect(mergeCnf(once, entries).text).toBe(once);
  });

  it('keeps CRLF line endings of the lines it rewrites', () => {
    const r = mergeCnf('cluster_id=7\r\nname=x\r\nfoo=bar\r\n', entries);
    expect(r.text!.startsWith('cluster_id=7\r\nname=a\r\nfoo=bar\r\n')).toBe(true);
  });

  it('reports a managed key written twice, with both lines, and merges nothing', () => {
    const text = 'cluster_id=7\nreplication_failover_whitelist=x:1\nfoo=1\nreplication_failover_whitelist=y:1\n';
    const r = mergeCnf(text, entries);
    expect(r.text).toBeUndefined();
    expect(r.problems.map((p) => [p.line, p.column, p.related?.[0]?.line])).toEqual([[4, 1, 2]]);
    expect(r.problems[0]!.message).toContain('replication_failover_whitelist');
  });

  it('treats aliases as the same key (name / cluster_name, enable_autorecovery / enable_*_autorecovery)', () => {
    const r = mergeCnf('cluster_id=7\nname=a\ncluster_name=b\nenable_autorecovery=1\nenable_node_autorecovery=0\n', entries);
    expect(r.problems.map((p) => p.line)).toEqual([3, 5]);
  });

  it('replaces a lone enable_autorecovery by the two explicit keys', () => {
    const r = mergeCnf('cluster_id=7\nenable_autorecovery=0\n', entries);
    expect(r.text).not.toContain('enable_autorecovery=');
    expect(r.text).toContain('enable_cluster_autorecovery=1\n');
    expect(r.text).toContain('enable_node_autorecovery=1\n');
  });

  it("refuses another cluster's file", () => {
    const r = mergeCnf('cluster_id=8\n', entries);
    expect(r.text).toBeUndefined();
    expect(r.problems[0]!.message).toContain('cluster_id 8');
  });
});

describe('--merge-into keeps every byte it does not manage', () => {
  // A latin1 comment (0xE9 is not UTF-8 on its own), CRLF line ends and no final newline.
  const latin1 = Buffer.concat([Buffer.from('# r'), Buffer.from([0xe9]), Buffer.from('sum', 'latin1')]);
  const file = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));

  it('keeps a comment that is not UTF-8 byte for byte', () => {
    const existing = file(latin1, '\ncluster_id=7\nname=old\nmysql_password=', Buffer.from([0xff, 0xfe]), '\n');
    const r = mergeBytes(existing, entries);
    expect(r.problems).toEqual([]);
    expect(r.bytes!.subarray(0, latin1.length + 1)).toEqual(file(latin1, '\n'));
    expect(r.bytes!.includes(file('mysql_password=', Buffer.from([0xff, 0xfe]), '\n'))).toBe(true);
    expect(mergeBytes(r.bytes!, entries).bytes).toEqual(r.bytes);
  });

  it('appends with CRLF in a CRLF file and keeps the missing final newline', () => {
    const r = mergeBytes(file('cluster_id=7\r\nname=old\r\nssh_port=22'), entries);
    const text = r.bytes!.toString('latin1');
    expect(text.startsWith('cluster_id=7\r\nname=a\r\nssh_port=22\r\nmysql_server_addresses=')).toBe(true);
    expect(text.split('\n').every((l, i, all) => i === all.length - 1 || l.endsWith('\r'))).toBe(true);
    expect(text.endsWith('replication_pre_failover_script=/opt/pre')).toBe(true);
    expect(mergeBytes(r.bytes!, entries).bytes).toEqual(r.bytes);
  });

  it('keeps a file without a final newline without one when nothing is appended', () => {
    const complete = mergeBytes(file('cluster_id=7\nfoo=1\n'), entries).bytes!.toString('latin1').replace(/\n$/, '');
    expect(complete.endsWith('\n')).toBe(false);
    expect(mergeBytes(Buffer.from(complete, 'latin1'), entries).bytes!.toString('latin1')).toBe(complete);
  });

  it('writes a non-ASCII value as UTF-8 next to latin1 bytes', () => {
    const named = repoOf({ 'fleet.yaml': FLEET, 'a.yaml': cluster('a', 7, 'hooks:\n  preFailover: [/opt/hooks/ünï]\n') });
    const e = cmonEntries(named.clusters[0]!, named.fleet, new Notes('cmon'));
    const r = mergeBytes(file(latin1, '\ncluster_id=7\n'), e);
    expect(r.bytes!.subarray(0, latin1.length)).toEqual(latin1);
    expect(r.bytes!.includes(Buffer.from("replication_pre_failover_script='/opt/hooks/ünï'\n", 'utf8'))).toBe(true);
  });

  it('does not take a line starting with a no-break space byte for a key line', () => {
    const r = mergeBytes(file('cluster_id=7\n', Buffer.from([0xa0]), 'name=x\n'), entries);
    expect(r.bytes!.includes(file(Buffer.from([0xa0]), 'name=x\n'))).toBe(true);
    expect(r.bytes!.toString('latin1')).toContain('\ncluster_name=a\n');
  });
});
