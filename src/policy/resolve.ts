import type { JsonPath } from './locate.js';
import { parseHostKey } from './hostkey.js';
import {
  DEFAULTS,
  HOOK_NAMES,
  type ClusterPolicy,
  type FleetPolicy,
  type HookName,
  type HostPolicy,
  type HostRef,
  type OrchestratorDeployment,
  type Origin,
} from './model.js';
import type { SourceFile } from './source.js';

// why: the schemas already guarantee these shapes; spelling each raw field out as a type twice adds nothing.
type Raw = Record<string, any>;

/** Builds the fleet model from a schema-valid fleet file. */
export function resolveFleet(file: SourceFile): FleetPolicy {
  const d = file.data as Raw;
  const deployments = new Map<string, OrchestratorDeployment>();
  for (const [name, dep] of Object.entries((d.orchestrator?.deployments ?? {}) as Raw)) {
    const dataDir: string = dep.raft.dataDir ?? DEFAULTS.raftDataDir;
    deployments.set(name, {
      name,
      release: dep.release ?? DEFAULTS.orchestratorRelease,
      instancePollSeconds: dep.instancePollSeconds ?? DEFAULTS.instancePollSeconds,
      raftNodes: dep.raft.nodes,
      raftPort: dep.raft.port ?? DEFAULTS.raftPort,
      dataDir,
      httpPort: dep.httpPort ?? DEFAULTS.httpPort,
      backend: {
        type: dep.backend?.type ?? 'sqlite',
        sqliteFile: dep.backend?.sqliteFile ?? `${dataDir}/orchestrator.sqlite3`,
        mysqlHost: dep.backend?.mysqlHost ?? '127.0.0.1',
        mysqlPort: dep.backend?.mysqlPort ?? 3306,
        mysqlDatabase: dep.backend?.mysqlDatabase ?? 'orchestrator',
        credentialsFile: dep.backend?.credentialsFile,
      },
      topologyCredentialsFile: dep.topologyCredentialsFile,
      metaSchema: dep.metaSchema ?? DEFAULTS.metaSchema,
      path: ['orchestrator', 'deployments', name],
    });
  }
  return {
    file,
    defaultPort: d.defaultPort ?? DEFAULTS.port,
    deployments,
    cmon: {
      configDir: d.cmon?.configDir ?? '/etc/cmon.d',
      clusterType: d.cmon?.clusterType ?? 'replication',
      vendor: d.cmon?.vendor,
      logDir: d.cmon?.logDir ?? '/var/log',
    },
    mha: {
      sshUser: d.mha?.sshUser ?? 'root',
      user: d.mha?.user,
      replicationUser: d.mha?.replicationUser,
      remoteWorkdir: d.mha?.remoteWorkdir,
      masterBinlogDir: d.mha?.masterBinlogDir,
    },
  };
}

/**
 * Builds the cluster model from a schema-valid cluster file, applying the fleet's defaults key by
 * key: a cluster value wins, then the fleet's `defaults`, then the built-in default.
 */
export function resolveCluster(file: SourceFile, fleet: FleetPolicy | undefined): ClusterPolicy {
  const d = file.data as Raw;
  const defaults = ((fleet?.file.data as Raw | undefined)?.defaults ?? {}) as Raw;
  const port = fleet?.defaultPort ?? DEFAULTS.port;
  const setting = <T>(path: string[], fallback: T): T => {
    const own = dig(d, path);
    if (own !== undefined) return own as T;
    const inherited = dig(defaults, path);
    return inherited === undefined ? fallback : (inherited as T);
  };
  const ref = (written: string, path: JsonPath): HostRef => ({ written, key: parseHostKey(written, port)?.key, path });
  const primaryRef = ref(d.primary, ['primary']);

  const hosts: HostPolicy[] = Object.entries(d.hosts as Raw).map(([written, h]) => {
    const parsed = parseHostKey(written, port);
    const sourceRef = h?.source !== undefined ? ref(h.source, ['hosts', written, 'source']) : undefined;
    const host: HostPolicy = {
      key: parsed?.key ?? written,
      host: parsed?.host ?? written,
      name: parsed?.name ?? written,
      port: parsed?.port ?? port,
      written,
      validKey: parsed !== undefined,
      dc: h?.dc,
      role: h?.role,
      promotion: h?.promotion ?? 'neutral',
      semiSyncPriority: h?.semiSyncPriority ?? 0,
    };
    // why: a source that is no host key must not fall back to the primary below; as written it matches no host.
    if (sourceRef) {
      host.source = sourceRef.key ?? sourceRef.written;
      host.sourceRef = sourceRef;
    }
    return host;
  });
  const primaryKey = primaryRef.key ?? d.primary;
  for (const h of hosts) if (h.source === undefined && h.key !== primaryKey) h.source = primaryKey;

  const hooks = {} as Record<HookName, string[]>;
  const hookSeconds: Partial<Record<HookName, number>> = {};
  for (const name of HOOK_NAMES) {
    hooks[name] = setting(['hooks', name], []);
    const seconds = setting<number | undefined>(['hooks', 'seconds', name], undefined);
    if (seconds !== undefined) hookSeconds[name] = seconds;
  }

  const whitelist = d.candidates?.whitelist as string[] | undefined;
  const blacklist = (d.candidates?.blacklist ?? []) as string[];
  const fleetFile = fleet?.file;
  // why: decided on the plain data, not the AST, so that a file parsed in a worker is not re-parsed here.
  const origin = (path: JsonPath): Origin => {
    if (dig(d, path) !== undefined) return { file, path };
    if (fleetFile && dig(defaults, path) !== undefined) return { file: fleetFile, path: ['defaults', ...path] };
    return { file, path: [] };
  };

  return {
    name: d.name,
    file,
    description: d.description,
    primary: primaryKey,
    primaryRef,
    flavor: setting(['flavor'], undefined),
    hosts,
    cmon:
      d.cmon === undefined
        ? undefined
        : {
            clusterId: d.cmon.clusterId,
            autoRecovery: {
              cluster: setting(['cmon', 'autoRecovery', 'cluster'], true),
              node: setting(['cmon', 'autoRecovery', 'node'], true),
            },
          },
    orchestrator: d.orchestrator === undefined ? undefined : { deployment: d.orchestrator.deployment },
    mha: d.mha === undefined ? undefined : { enabled: d.mha.enabled ?? true, managerWorkdir: d.mha.managerWorkdir },
    datacenters: {
      home: setting(['datacenters', 'home'], undefined),
      preventCrossDatacenter: setting(['datacenters', 'preventCrossDatacenter'], false),
    },
    candidates: {
      whitelist: whitelist?.map((w, i) => ref(w, ['candidates', 'whitelist', i])),
      blacklist: blacklist.map((b, i) => ref(b, ['candidates', 'blacklist', i])),
      maxLagSeconds: setting(['candidates', 'maxLagSeconds'], undefined),
    },
    semiSync: {
      waitForReplicaCount: setting(['semiSync', 'waitForReplicaCount'], DEFAULTS.waitForReplicaCount),
      enforcement: setting(['semiSync', 'enforcement'], 'off'),
      lockedMasterSeconds: setting(['semiSync', 'lockedMasterSeconds'], DEFAULTS.lockedMasterSeconds),
    },
    antiFlapping: {
      recoveryBlockSeconds: setting(['antiFlapping', 'recoveryBlockSeconds'], DEFAULTS.recoveryBlockSeconds),
    },
    hooks,
    hookSeconds,
    origin,
    isDefault: (path) => origin(path).path.length === 0,
    anchor: (paths, fallback) => {
      for (const p of paths) {
        const o = origin(p);
        if (o.path.length > 0) return o;
      }
      return { file, path: fallback };
    },
  };
}

function dig(data: Raw, path: JsonPath): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Raw)[seg];
  }
  return cur;
}
