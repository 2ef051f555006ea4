import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { cmonEntries } from '../../src/compile/cmon.js';
import { mergeCnf } from '../../src/compile/cmon-merge.js';
import { Notes } from '../../src/compile/unexpressed.js';
import { FLEET, cluster, repoOf } from './helpers.js';

const repo = repoOf({ 'fleet.yaml': FLEET, 'a.yaml': cluster('a', 7, 'candidates: { whitelist: [a-2:3306, a-3:3306] }\nhooks:\n  preFailover: [/opt/pre]\n') });
const entries = cmonEntries(repo.clusters[0]!, repo.fleet, new Notes('cmon'));

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
