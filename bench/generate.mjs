// Writes a synthetic policy repository: one fleet file and N cluster policies of 5–9 hosts with
// realistic settings. About one cluster in twenty carries a deliberate warning (a single
// candidate); none has an error, so that the same fleet can be built.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Small deterministic PRNG (mulberry32) so every run generates the same fleet. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEPLOYMENTS = 20;

export function generateFleet(dir, count, seed = 1) {
  const random = rng(seed);
  const pick = (n) => Math.floor(random() * n);
  mkdirSync(join(dir, 'clusters'), { recursive: true });
  const deps = [];
  for (let d = 0; d < DEPLOYMENTS; d++) {
    deps.push(`    orc${d}:
      raft:
        nodes: [orc${d}-a.example.internal, orc${d}-b.example.internal, orc${d}-c.example.internal]
      topologyCredentialsFile: /etc/orchestrator/topology.cnf`);
  }
  writeFileSync(
    join(dir, 'fleet.yaml'),
    `kind: fleet
defaultPort: 3306
defaults:
  candidates: { maxLagSeconds: 10 }
  semiSync: { waitForReplicaCount: 1, enforcement: exact, lockedMasterSeconds: 60 }
  antiFlapping: { recoveryBlockSeconds: 30 }
  hooks:
    preFailover: ["/usr/local/bin/pre-failover.sh {failedHost} {failedPort}"]
orchestrator:
  deployments:
${deps.join('\n')}
cmon:
  configDir: /etc/cmon.d
`,
  );
  for (let i = 0; i < count; i++) {
    const name = `c${String(i).padStart(5, '0')}`;
    const n = 5 + pick(5);
    const hosts = [];
    for (let h = 1; h <= n; h++) {
      const key = `${name}-db-${String(h).padStart(2, '0')}.example.internal:3306`;
      let spec;
      if (h === 1) spec = '{ dc: dc1, semiSyncPriority: 100 }';
      else if (h === 2) spec = '{ dc: dc1, promotion: prefer, semiSyncPriority: 100 }';
      else if (h === 3) spec = '{ dc: dc1, semiSyncPriority: 50 }';
      else if (h === n) spec = '{ dc: dc2, role: backup, promotion: must_not }';
      else if (h === n - 1 && n > 6) spec = `{ dc: dc1, role: reporting, promotion: must_not, source: ${name}-db-03.example.internal:3306 }`;
      else spec = '{ dc: dc1 }';
      hosts.push(`  ${key}: ${spec}`);
    }
    const flaw = i % 20 === 7;
    const whitelist = flaw
      ? `[${name}-db-02.example.internal:3306]`
      : `[${name}-db-02.example.internal:3306, ${name}-db-03.example.internal:3306]`;
    writeFileSync(
      join(dir, 'clusters', `${name}.yaml`),
      `# generated benchmark cluster ${i}
kind: cluster
name: ${name}
description: Benchmark cluster number ${i}
primary: ${name}-db-01.example.internal:3306
cmon: { clusterId: ${i + 1} }
orchestrator: { deployment: orc${i % DEPLOYMENTS} }
mha: { enabled: ${i % 3 === 0} }
datacenters:
  home: dc1
  preventCrossDatacenter: true
hosts:
${hosts.join('\n')}
candidates:
  whitelist: ${whitelist}
  blacklist: [${name}-db-${String(n).padStart(2, '0')}.example.internal:3306]
`,
    );
  }
}
