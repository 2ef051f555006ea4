/**
 * fast-check arbitraries for schema-valid policy repositories: a fleet file and cluster
 * policies, each kept as a plain object (what the YAML means) and as YAML text (what lint
 * reads), plus the facts the property tests check generated files against.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import YAML from 'yaml';
import { canonicalHost, formatHostKey, parseHostKey } from '../../src/policy/hostkey.js';
import { HOOK_NAMES, type HookName } from '../../src/policy/model.js';
import { HOOK_PLACEHOLDERS } from '../../src/rules/unknown-hook-placeholder.js';
import type { PolicyInput } from '../../src/lint.js';

/** A host as generated (lower case); `canonical` gives the key succession compares by. */
export interface Host {
  host: string;
  port: number;
  kind: 'name' | 'ipv4' | 'ipv6';
}

export interface GeneratedCluster {
  name: string;
  /** Canonical keys of the declared hosts, in declaration order. */
  hostKeys: string[];
  /** The host part of each declared key as written (no brackets, no port), in declaration order. */
  hostNames: string[];
  clusterId?: number;
  deployment?: string;
  mha: boolean;
  hooks: Partial<Record<HookName, string[]>>;
  data: Record<string, unknown>;
}

export interface GeneratedFleet {
  defaultPort: number;
  deployments: string[];
  hooks: Partial<Record<HookName, string[]>>;
  data: Record<string, unknown>;
}

export interface GeneratedRepo {
  fleet: GeneratedFleet;
  clusters: GeneratedCluster[];
  /** The repository as lint inputs: the fleet file first, then one file per cluster. */
  inputs: PolicyInput[];
}

const DCS = ['dc1', 'dc2', 'eu-west.1', 'DC_3'] as const;

// --- host keys ---------------------------------------------------------------------------

const label = fc.stringMatching(/^[a-z0-9_](?:[a-z0-9_-]{0,8}[a-z0-9_])?$/);
const hostname = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const hextet = fc.nat(0xffff).map((n) => n.toString(16));
const ipv6 = fc.oneof(
  fc.constantFrom('::1', '2001:db8::1', 'fe80::a:b', '::ffff:10.0.0.1'),
  fc.array(hextet, { minLength: 8, maxLength: 8 }).map((h) => h.join(':')),
  fc.tuple(fc.array(hextet, { minLength: 1, maxLength: 3 }), fc.array(hextet, { minLength: 1, maxLength: 3 })).map(([a, b]) => `${a.join(':')}::${b.join(':')}`),
);
const port = fc.oneof({ weight: 3, arbitrary: fc.constant(3306) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 65535 }) });

export const hostArb: fc.Arbitrary<Host> = fc
  .oneof(
    { weight: 4, arbitrary: fc.record({ host: hostname, port, kind: fc.constant('name' as const) }) },
    { weight: 2, arbitrary: fc.record({ host: ipv4, port, kind: fc.constant('ipv4' as const) }) },
    { weight: 1, arbitrary: fc.record({ host: ipv6, port, kind: fc.constant('ipv6' as const) }) },
  )
  // why: a name whose last label is a number and that is no IPv4 address (`_.0`) is no host key (invalid-host-key).
  .filter((h) => canonicalHost(h.host) !== undefined);

export function canonical(h: Host): string {
  return formatHostKey(canonicalHost(h.host)!, h.port);
}

/** How a reference to a host is written: upper-cased letters, port left out when it is the default. */
export interface Spelling {
  upper: boolean;
  omitPort: boolean;
}

const spelling: fc.Arbitrary<Spelling> = fc.record({ upper: fc.boolean(), omitPort: fc.boolean() });

/** A host key as written in a policy: any of the equivalent spellings of `h`. */
export function written(h: Host, defaultPort: number, s: Spelling): string {
  const host = s.upper ? h.host.toUpperCase() : h.host;
  const base = h.kind === 'ipv6' ? `[${host}]` : host;
  return s.omitPort && h.port === defaultPort ? base : `${base}:${h.port}`;
}

// --- free text ---------------------------------------------------------------------------

/** Characters that break naive quoting in ini, shell, SQL, JSON or YAML. */
const AWKWARD = ['"', "'", '\\', ';', '#', '=', '`', '$', '&', '|', '<', '>', '%', '!', '*', ':', ' ', 'ü', 'é', '✓', '日本', '😀', '\u00a0', '\u200b'];
/** Characters no engine file format can carry on one line. */
const CONTROL = ['\t', '\n', '\r', '\u0000', '\u0007', '\u001a', '\u007f', '\u2028'];

const awkwardText = (withControl: boolean): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9_.-]{1,6}$/) },
        { weight: 2, arbitrary: fc.constantFrom(...AWKWARD) },
        { weight: withControl ? 1 : 0, arbitrary: fc.constantFrom(...CONTROL) },
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((parts) => parts.join(''));

/** `/`-rooted path (the schema's absolutePath: no NUL, CR or LF) that may hold awkward characters. */
const absolutePath = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('/var/lib/orchestrator', '/var/log', '/etc/cmon.d', '/srv/my data/x') },
  {
    weight: 2,
    arbitrary: fc
      .array(awkwardText(true), { minLength: 1, maxLength: 3 })
      .map((segments) => `/${segments.join('/')}`.replace(/[\u0000\n\r]/g, '_')),
  },
);

const executable = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('/usr/local/bin/notify.sh', '/opt/hooks/pre-failover', '/bin/true') },
  { weight: 2, arbitrary: fc.stringMatching(/^\/[a-z0-9_.-]{1,8}(\/[a-z0-9_.-]{1,8}){0,2}$/) },
  { weight: 2, arbitrary: fc.constantFrom("/opt/it's", '/opt/back\\slash', '/opt/x;enable_cluster_autorecovery=0', '/opt/#x', '/opt/ünï', '/opt/"dq"', 'relative.sh', "/opt/'; DROP TABLE t; --") },
);

const hookArgument = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOOK_PLACEHOLDERS).map((p) => `{${p}}`) },
  { weight: 2, arbitrary: fc.stringMatching(/^--?[a-z]{1,6}(=[a-z0-9]{1,4})?$/) },
  { weight: 2, arbitrary: awkwardText(false) },
  { weight: 1, arbitrary: awkwardText(true) },
);

/** One hook command: an executable, then arguments with known placeholders and awkward characters. */
export const hookCommand: fc.Arbitrary<string> = fc
  .tuple(executable, fc.array(hookArgument, { maxLength: 4 }), fc.constantFrom(' ', ' ', '  ', '\t'))
  .map(([exe, args, sep]) => [exe, ...args].join(sep));

const hooksArb: fc.Arbitrary<Partial<Record<HookName, string[]>>> = fc
  .subarray([...HOOK_NAMES])
  .chain((names) => fc.tuple(...names.map((n) => fc.array(hookCommand, { minLength: 1, maxLength: 3 }).map((cmds) => [n, cmds] as const))))
  .map((entries) => Object.fromEntries(entries));

// --- settings ----------------------------------------------------------------------------

const semiSyncArb = fc.record(
  {
    waitForReplicaCount: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 65535 }) }),
    enforcement: fc.constantFrom('exact', 'recover-locked', 'off'),
    lockedMasterSeconds: fc.integer({ min: 1, max: 86400 }),
  },
  { requiredKeys: [] },
);
const antiFlappingArb = fc.record({ recoveryBlockSeconds: fc.integer({ min: 0, max: 604800 }) }, { requiredKeys: [] });
const datacentersArb = fc.record({ home: fc.constantFrom(...DCS), preventCrossDatacenter: fc.boolean() }, { requiredKeys: [] });
const autoRecoveryArb = fc.record({ cluster: fc.boolean(), node: fc.boolean() }, { requiredKeys: [] });

/** Drops undefined members so the YAML holds only keys the policy sets. */
function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// --- fleet -------------------------------------------------------------------------------

const deploymentName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,10}$/);

const raftNode = fc.oneof(
  { weight: 4, arbitrary: hostname },
  { weight: 1, arbitrary: hostArb.map((h) => written(h, 10008, { upper: false, omitPort: false })) },
  // why: these spellings map to the same node directory as another node's would (`::1` -> `__1`).
  { weight: 1, arbitrary: fc.constantFrom('[::1]', '__1', 'orc-1:10009', 'orc-1_10009', 'ORC-1') },
);

const deploymentArb = fc.record(
  {
    raft: fc.record(
      {
        nodes: fc.array(raftNode, { minLength: 1, maxLength: 5 }),
        port: fc.integer({ min: 1, max: 65535 }),
        dataDir: absolutePath,
      },
      { requiredKeys: ['nodes'] },
    ),
    httpPort: fc.integer({ min: 1, max: 65535 }),
    backend: fc.oneof(
      fc.record({ type: fc.constant('sqlite'), sqliteFile: absolutePath }, { requiredKeys: [] }),
      fc.record(
        {
          type: fc.constant('mysql'),
          mysqlHost: fc.oneof(hostname, ipv4, fc.constant('[::1]')),
          mysqlPort: fc.integer({ min: 1, max: 65535 }),
          mysqlDatabase: fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/),
          credentialsFile: absolutePath,
        },
        { requiredKeys: ['type'] },
      ),
    ),
    topologyCredentialsFile: absolutePath,
    metaSchema: fc.stringMatching(/^[A-Za-z0-9_]{1,16}$/),
  },
  { requiredKeys: ['raft'] },
);

export const fleetArb: fc.Arbitrary<GeneratedFleet> = fc
  .record({
    defaultPort: fc.oneof({ weight: 4, arbitrary: fc.constant(3306) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 65535 }) }),
    writePort: fc.boolean(),
    deployments: fc.uniqueArray(fc.tuple(deploymentName, deploymentArb), { maxLength: 3, selector: ([n]) => n }),
    defaults: fc.record(
      {
        datacenters: datacentersArb,
        candidates: fc.record({ maxLagSeconds: fc.integer({ min: 0, max: 86400 }) }),
        semiSync: semiSyncArb,
        antiFlapping: antiFlappingArb,
        hooks: hooksArb,
        cmon: fc.record({ autoRecovery: autoRecoveryArb }),
      },
      { requiredKeys: [] },
    ),
    cmon: fc.record(
      {
        configDir: absolutePath,
        clusterType: fc.constantFrom('replication', 'mysql_single'),
        vendor: fc.constantFrom('oracle', 'percona', 'mariadb'),
        logDir: absolutePath,
      },
      { requiredKeys: [] },
    ),
    mha: fc.record(
      {
        sshUser: fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/),
        user: fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/),
        replicationUser: fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/),
        remoteWorkdir: absolutePath,
        masterBinlogDir: fc.uniqueArray(fc.constantFrom('/var/lib/mysql', '/var/log/mysql', '/srv/binlog'), { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  })
  .map((f) => {
    const data = compact({
      kind: 'fleet',
      defaultPort: f.writePort || f.defaultPort !== 3306 ? f.defaultPort : undefined,
      defaults: Object.keys(f.defaults).length > 0 ? f.defaults : undefined,
      orchestrator: f.deployments.length > 0 ? { deployments: Object.fromEntries(f.deployments) } : undefined,
      cmon: f.cmon,
      mha: f.mha,
    });
    return { defaultPort: f.defaultPort, deployments: f.deployments.map(([n]) => n), hooks: f.defaults.hooks ?? {}, data };
  });

// --- clusters ----------------------------------------------------------------------------

const hostSettings = fc.record(
  {
    dc: fc.constantFrom(...DCS),
    role: fc.constantFrom('backup', 'reporting', 'olap', 'dev', 'delayed'),
    promotion: fc.constantFrom('prefer', 'neutral', 'prefer_not', 'must_not'),
    semiSyncPriority: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0, 50, 100) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 4294967295 }) }),
  },
  { requiredKeys: [] },
);

/** What a cluster arbitrary is drawn from; everything random about one cluster. */
const clusterShape = fc.record({
  hosts: fc.uniqueArray(hostArb, { minLength: 1, maxLength: 7, selector: canonical }),
  settings: fc.array(hostSettings, { minLength: 7, maxLength: 7 }),
  spellings: fc.array(spelling, { minLength: 12, maxLength: 12 }),
  primaryIndex: fc.nat(),
  /** Per host: index of the host it replicates from, or -1 for none. */
  sources: fc.array(fc.integer({ min: -1, max: 6 }), { minLength: 7, maxLength: 7 }),
  whitelist: fc.option(fc.array(fc.nat(), { maxLength: 4 }), { nil: undefined }),
  blacklist: fc.option(fc.array(fc.nat(), { maxLength: 3 }), { nil: undefined }),
  maxLagSeconds: fc.option(fc.integer({ min: 0, max: 86400 }), { nil: undefined }),
  description: fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }), awkwardText(true)), { nil: undefined }),
  cmon: fc.boolean(),
  autoRecovery: fc.option(autoRecoveryArb, { nil: undefined }),
  orchestratorIndex: fc.option(fc.nat(), { nil: undefined }),
  mha: fc.option(fc.record({ enabled: fc.boolean(), managerWorkdir: absolutePath }, { requiredKeys: [] }), { nil: undefined }),
  datacenters: fc.option(datacentersArb, { nil: undefined }),
  semiSync: fc.option(semiSyncArb, { nil: undefined }),
  antiFlapping: fc.option(antiFlappingArb, { nil: undefined }),
  hooks: fc.option(hooksArb, { nil: undefined }),
});

type ClusterShape = typeof clusterShape extends fc.Arbitrary<infer T> ? T : never;

function buildCluster(shape: ClusterShape, name: string, clusterId: number, fleet: GeneratedFleet): GeneratedCluster {
  const { hosts } = shape;
  let spellingIndex = 0;
  const spell = (h: Host) => written(h, fleet.defaultPort, shape.spellings[spellingIndex++ % shape.spellings.length]!);
  const primary = hosts[shape.primaryIndex % hosts.length]!;
  const hostEntries = hosts.map((h, i) => {
    const source = shape.sources[i]!;
    // why: a source that is not another declared host is a lint error, not a policy shape worth generating.
    const settings = source >= 0 && source < hosts.length && source !== i && h !== primary ? { ...shape.settings[i], source: spell(hosts[source]!) } : shape.settings[i];
    return [spell(h), settings] as const;
  });
  const pickHosts = (indexes: number[] | undefined) => (indexes === undefined ? undefined : [...new Set(indexes.map((i) => i % hosts.length))].map((i) => spell(hosts[i]!)));
  const candidates = compact({ whitelist: pickHosts(shape.whitelist), blacklist: pickHosts(shape.blacklist), maxLagSeconds: shape.maxLagSeconds });
  const deployment = shape.orchestratorIndex === undefined || fleet.deployments.length === 0 ? undefined : fleet.deployments[shape.orchestratorIndex % fleet.deployments.length]!;
  const data = compact({
    kind: 'cluster',
    name,
    description: shape.description,
    primary: spell(primary),
    cmon: shape.cmon ? compact({ clusterId, autoRecovery: shape.autoRecovery }) : undefined,
    orchestrator: deployment === undefined ? undefined : { deployment },
    mha: shape.mha,
    hosts: Object.fromEntries(hostEntries),
    datacenters: shape.datacenters,
    candidates: Object.keys(candidates).length > 0 ? candidates : undefined,
    semiSync: shape.semiSync,
    antiFlapping: shape.antiFlapping,
    hooks: shape.hooks,
  });
  return {
    name,
    hostKeys: hosts.map(canonical),
    hostNames: hostEntries.map(([key]) => parseHostKey(key, fleet.defaultPort)!.name),
    clusterId: shape.cmon ? clusterId : undefined,
    deployment,
    mha: shape.mha === undefined ? false : shape.mha.enabled !== false,
    hooks: shape.hooks ?? {},
    data,
  };
}

const clusterName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$/);

// --- YAML --------------------------------------------------------------------------------

/** How a document is written: the `yaml` package's collection and scalar styles. */
export interface YamlStyle {
  collectionStyle: 'any' | 'block' | 'flow';
  defaultStringType: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';
  defaultKeyType: 'PLAIN' | 'QUOTE_DOUBLE' | null;
  comment: boolean;
}

export const yamlStyleArb: fc.Arbitrary<YamlStyle> = fc.record({
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
  defaultKeyType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', null),
  comment: fc.boolean(),
});

/**
 * `data` as YAML in the given style. yaml 2.9 writes some multi-line strings inside flow
 * collections as plain scalars it cannot read back (`{ a: :\n\n    " }`); such a text is not the
 * policy that was generated, so the default block style is used for it instead.
 */
export function toYaml(data: unknown, style: YamlStyle): string {
  const { comment, ...options } = style;
  let text = YAML.stringify(data, { ...options, lineWidth: 0 });
  if (!roundTrips(text, data)) text = YAML.stringify(data, { lineWidth: 0 });
  // why: yaml writes DEL and C1 controls raw, which YAML 1.2 forbids (and succession refuses); in
  // double quotes they can be escaped, and the policy is the same.
  if (NOT_PRINTABLE.test(text)) {
    text = YAML.stringify(data, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'QUOTE_DOUBLE' }).replace(
      new RegExp(NOT_PRINTABLE.source, 'g'),
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  return comment ? `# generated by a property test: "quotes", #hashes; and ünïcödé\n${text}` : text;
}

/** Characters YAML 1.2 does not allow raw (§5.1) that yaml's stringify leaves raw. */
const NOT_PRINTABLE = /[\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;

function roundTrips(text: string, data: unknown): boolean {
  try {
    return isDeepStrictEqual(YAML.parse(text), data);
  } catch {
    return false;
  }
}

// --- repositories ------------------------------------------------------------------------

/** File names for cluster policies, some with characters that must never reach a generated line raw. */
const fileStem = fc.oneof(
  { weight: 5, arbitrary: fc.stringMatching(/^[a-z0-9_-]{1,10}$/) },
  { weight: 1, arbitrary: fc.constantFrom('with space', 'quote"d', "apo'strophe", 'semi;colon', 'new\nline', 'tab\there', 'ünï', 'hash#') },
);

export interface RepoOptions {
  minClusters?: number;
  maxClusters?: number;
}

/** A schema-valid repository: one fleet file and 1..n cluster policies with unique names and cmon ids. */
export function repoArb({ minClusters = 1, maxClusters = 4 }: RepoOptions = {}): fc.Arbitrary<GeneratedRepo> {
  return fc
    .record({
      fleet: fleetArb,
      fleetStyle: yamlStyleArb,
      names: fc.uniqueArray(clusterName, { minLength: maxClusters, maxLength: maxClusters, selector: (n) => n.toLowerCase() }),
      ids: fc.uniqueArray(fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 2147483647 })), { minLength: maxClusters, maxLength: maxClusters }),
      stems: fc.uniqueArray(fileStem, { minLength: maxClusters, maxLength: maxClusters }),
      shapes: fc.array(fc.tuple(clusterShape, yamlStyleArb), { minLength: minClusters, maxLength: maxClusters }),
    })
    .map(({ fleet, fleetStyle, names, ids, stems, shapes }) => {
      const clusters = shapes.map(([shape], i) => buildCluster(shape, names[i]!, ids[i]!, fleet));
      const inputs: PolicyInput[] = [
        { path: 'policies/fleet.yaml', text: toYaml(fleet.data, fleetStyle) },
        ...clusters.map((c, i) => ({ path: `policies/clusters/${stems[i]}.yaml`, text: toYaml(c.data, shapes[i]![1]) })),
      ];
      return { fleet, clusters, inputs };
    });
}

/** The hook lists in force for a cluster: its own, else the fleet default, event by event. */
export function hooksOf(repo: GeneratedRepo, cluster: GeneratedCluster): Partial<Record<HookName, string[]>> {
  return { ...repo.fleet.hooks, ...cluster.hooks };
}
