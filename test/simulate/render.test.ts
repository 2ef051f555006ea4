import { describe, expect, it } from 'vitest';
import { viewOf } from '../../src/live/view.js';
import { simulateEachSingleFailure, simulateFailure } from '../../src/simulate/index.js';
import { renderEach, renderSimulation } from '../../src/simulate/render.js';
import { policy, recorded, withInstance } from './helpers.js';

const six = recorded('mysql-six');
const cluster = policy(`kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: { dc: dc1, semiSyncPriority: 100 }
  db2:3306: { dc: dc1, semiSyncPriority: 100 }
  db3:3306: { dc: dc1, promotion: prefer, semiSyncPriority: 50 }
  db4:3306: { dc: dc1, role: delayed }
  db5:3306: { dc: dc1, source: db3:3306 }
  db6:3306: { dc: dc2, promotion: must_not }
semiSync:
  enforcement: exact
  lockedMasterSeconds: 60
antiFlapping:
  recoveryBlockSeconds: 30
`);
const component = viewOf(cluster, six).component.map((i) => i.key);
const PLAIN = { color: false, check: [] };

describe('renderSimulation', () => {
  it('draws the tree before, the outcome per engine, and the tree after with the new primary and its acks', () => {
    const text = renderSimulation(six, simulateFailure(cluster, six, undefined, ['orchestrator']), component, PLAIN);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Cluster shop: db1:3306 fails (primary)');
    expect(lines).toContain('  db1:3306 [dc1, 8.0.36, rw, semi-sync source]  ✗ fails');
    expect(lines).toContain('  + db3:3306 [dc1, 8.0.36, lag 1s]');
    expect(lines).toContain('    + db5:3306 [dc1, 8.0.36]');
    expect(lines).toContain('  + db4:3306 [dc1, 8.0.36, lag 1190s, delay 3600s]');
    expect(lines).toContain('  promoted: db3:3306');
    expect(lines).toContain('  excluded db4:3306: role, delay');
    expect(lines).toContain('  excluded db5:3306: not-direct-replica');
    // after: db3 on top with its source side of semi-sync on; its former siblings and its own replica db5 below it;
    // db2 kept its replica side on (exact enforcement takes no action on the replicas it moves), so it acknowledges.
    const after = lines.slice(lines.indexOf('  after:') + 1);
    expect(after[0]).toBe('    db3:3306 [new primary, dc1, 8.0.36, semi-sync source]');
    expect(after).toContain('    + db2:3306 [dc1, 8.0.36, semi-sync ack]');
    expect(after).toContain('    + db5:3306 [dc1, 8.0.36]');
    expect(after.join('\n')).not.toContain('db1:3306');
  });

  it('ends every run of --each-single-failure with the worst case', () => {
    const text = renderEach(simulateEachSingleFailure(cluster, six, ['orchestrator']), PLAIN);
    expect(text.split('\n').filter((l) => /^db\d:3306 \(\w+\) +orchestrator /.test(l))).toHaveLength(6);
    expect(text).toMatch(/worst case: losing db2:3306 under orchestrator stalls writes for 65s\n$/);
  });

  it('shows names and data centers that carry newlines, escape sequences or bidi overrides as visible escapes', () => {
    // A data center as a server reports it, and a cluster name as a simulation carries it: neither may add a line or drive the terminal.
    const hostile = withInstance(six, 'db3:3306', (i) => {
      i.dataCenter = 'dc1\u001b]0;owned\u0007\n  promoted: db6:3306\u202e';
    });
    const sim = { ...simulateFailure(cluster, hostile, undefined, ['orchestrator']), cluster: 'sh\u009b2Jop\r' };
    const text = renderSimulation(hostile, sim, component, PLAIN);
    expect(text).not.toMatch(/(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Cluster sh\\x9b2Jop\\r: db1:3306 fails (primary)');
    expect(lines).toContain('  + db3:3306 [dc1\\x1b]0;owned\\x07\\n  promoted: db6:3306\\u202e, 8.0.36, lag 1s]');
    expect(lines.filter((l) => l.startsWith('  promoted: '))).toEqual(['  promoted: db3:3306']);
    const each = renderEach({ ...simulateEachSingleFailure(cluster, hostile, ['orchestrator']), worst: { failed: 'db1\n:3306', engine: 'orchestrator', writeStallSeconds: 5 } }, PLAIN);
    expect(each).toMatch(/worst case: losing db1\\n:3306 under orchestrator stalls writes for 5s\n$/);
  });
});
