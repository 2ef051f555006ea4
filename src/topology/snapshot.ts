import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { locate, locateKey, pointerToPath } from '../policy/locate.js';
import { displayPath, EDITOR_KEYWORDS, SCHEMA_DIR } from '../policy/schema.js';
import { forbiddenCharacter, hasLoneSurrogate, parseSource, type SourceFile } from '../policy/source.js';
import { parseHostKey } from '../policy/hostkey.js';
import {
  compareKeys,
  hostKey,
  makeTopology,
  TopologyError,
  type GtidState,
  type Instance,
  type OrchestratorUser,
  type RecoveryCapabilities,
  type ReplicationFilters,
  type ReplicationState,
  type SemiSyncState,
  type ServerVersion,
  type Topology,
  type TopologyOrigin,
} from './model.js';
import { readTopologyFile } from './read-file.js';

/** The snapshot file form of a topology (schemas/topology.schema.json). */
export interface SnapshotDocument {
  format: 1;
  collectedAt?: string;
  origin: TopologyOrigin;
  instances: Instance[];
}

let validator: ValidateFunction | undefined;

/** The snapshot validator, compiled once per process. */
function validate(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(new URL('topology.schema.json', SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    for (const definition of EDITOR_KEYWORDS) ajv.addKeyword({ ...definition });
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Reads and validates a snapshot file. Every problem is reported as `file:line:column: message`. */
export function readSnapshot(path: string): Topology {
  return parseSnapshot(path, readTopologyFile(path, 'topology snapshot'));
}

/**
 * Parses and validates snapshot text. A valid snapshot takes the fast way (`JSON.parse`); any
 * problem sends the text through the YAML parser, which knows where each value is, so that every
 * problem is reported with its line and column.
 */
export function parseSnapshot(path: string, text: string): Topology {
  const data = parseJsonStrictly(text);
  // why: JSON.parse accepts C1 controls and escaped lone surrogates; the YAML reader refuses them with a position.
  if (data !== undefined && forbiddenCharacter(text) === undefined && !hasLoneSurrogate(data) && validate()(data) && consistency(data as SnapshotDocument).length === 0) {
    const doc = data as SnapshotDocument;
    return makeTopology(doc.instances, doc.origin, doc.collectedAt);
  }
  return parseWithPositions(path, text);
}

function parseWithPositions(path: string, text: string): Topology {
  const file = parseSource(path, text);
  if (file.syntaxErrors.length > 0) {
    throw new TopologyError(file.syntaxErrors.map((e) => `${path}:${e.line}:${e.column}: ${e.message}`));
  }
  const check = validate();
  if (!check(file.data)) {
    throw new TopologyError(describeErrors(file, check.errors ?? []));
  }
  const doc = file.data as SnapshotDocument;
  const problems = consistency(doc);
  if (problems.length > 0) {
    throw new TopologyError(problems.map((p) => {
      const span = locate(file, p.path);
      return `${path}:${span.line}:${span.column}: ${p.message}`;
    }));
  }
  return makeTopology(doc.instances, doc.origin, doc.collectedAt);
}

/** `JSON.parse`, except that text with a repeated key in one object is not taken (undefined). */
function parseJsonStrictly(text: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return hasDuplicateKeys(text) ? undefined : data;
}

/**
 * Whether some JSON object repeats a key (which `JSON.parse` would resolve silently as "last one
 * wins"). One pass over text already known to be valid JSON: strings followed by `:` are keys.
 */
function hasDuplicateKeys(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      const keys = stack[stack.length - 1];
      if (text[k] === ':' && keys) {
        const key = text.slice(i + 1, j);
        if (keys.has(key)) return true;
        keys.add(key);
      }
      i = j;
    }
  }
  return false;
}

function describeErrors(file: SourceFile, errors: ErrorObject[]): string[] {
  const out = new Set<string>();
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    const where = path.length === 0 ? 'the snapshot' : `"${displayPath(path)}"`;
    let span = locate(file, path);
    let message: string;
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      span = locateKey(file, path, key);
      message = `unknown key "${key}" in ${where}`;
    } else if (e.keyword === 'required') {
      message = `missing required key "${(e.params as { missingProperty: string }).missingProperty}" in ${where}`;
    } else if (e.keyword === 'enum') {
      message = `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`;
    } else {
      message = `${where} ${e.message ?? 'is invalid'}`;
    }
    out.add(`${file.path}:${span.line}:${span.column}: ${message}`);
  }
  return [...out];
}

/** What the schema cannot say: keys match host and port, and appear once. */
function consistency(doc: SnapshotDocument): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  doc.instances.forEach((inst, i) => {
    const parsed = parseHostKey(inst.key, inst.port);
    const key = parsed?.key ?? inst.key;
    if (!parsed || parsed.key !== hostKey(inst.host, inst.port)) {
      out.push({ path: ['instances', i, 'key'], message: `key "${inst.key}" does not match host "${inst.host}" and port ${inst.port}` });
    }
    if (seen.has(key)) out.push({ path: ['instances', i, 'key'], message: `instance "${inst.key}" appears more than once` });
    seen.add(key);
    if (inst.source !== undefined && (parseHostKey(inst.source, 3306)?.key ?? inst.source) === key) out.push({ path: ['instances', i, 'source'], message: `instance "${inst.key}" names itself as its source` });
  });
  return out;
}

/** The snapshot text of a topology: stable key order, instances sorted, two-space indent. */
export function formatSnapshot(topology: Topology): string {
  const doc: Record<string, unknown> = { format: 1 };
  if (topology.collectedAt !== undefined) doc.collectedAt = topology.collectedAt;
  doc.origin = { kind: topology.origin.kind, detail: topology.origin.detail };
  doc.instances = [...topology.instances].sort((a, b) => compareKeys(a.key, b.key)).map(orderInstance);
  // why: JSON.stringify leaves DEL, C1 controls and U+FFFE/U+FFFF raw (a server's error text may
  // hold them), and the reader refuses them raw, as YAML does; escaped, they read back the same.
  // Outside strings JSON text is ASCII, so only string contents are touched.
  return `${JSON.stringify(doc, null, 2).replace(/[\x7F-\x9F\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Copies `from[k]` for each `k` of `keys` that is defined, in that order. */
function pick<T extends object>(from: T, keys: readonly (keyof T)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (from[k] !== undefined) out[k as string] = from[k];
  return out;
}

/**
 * The order of each object's keys in a snapshot. Written as records over every key of the type,
 * so that a field added to the model and forgotten here fails to compile instead of being dropped.
 */
function order<T>(keys: Record<keyof T, true>): (keyof T)[] {
  return Object.keys(keys) as (keyof T)[];
}

const INSTANCE_KEYS = order<Instance>({
  key: true, host: true, port: true, reachable: true, error: true, flavor: true, version: true, serverId: true, serverUuid: true,
  reportHost: true, readOnly: true, superReadOnly: true, logBin: true, logReplicaUpdates: true, binlogFormat: true, gtid: true, source: true,
  replication: true, semiSync: true, dataCenter: true, promotionRule: true, semiSyncPriority: true, metaError: true,
  orchestratorUser: true,
});
const VERSION_KEYS = order<ServerVersion>({ text: true, major: true, minor: true, patch: true });
const GTID_KEYS = order<GtidState>({ flavor: true, mode: true, executed: true, binlogPos: true, slavePos: true, domainId: true, strictMode: true });
const REPLICATION_KEYS = order<ReplicationState>({
  sourceHost: true, sourcePort: true, sourceServerId: true, ioThread: true, sqlThread: true, lastIoErrno: true, lastIoError: true,
  lastSqlErrno: true, lastSqlError: true, lagSeconds: true, sqlDelay: true, applied: true, sqlRemainingDelay: true, usingGtid: true,
  hasFilters: true, filters: true,
});
const FILTER_KEYS = order<ReplicationFilters>({
  doDb: true, ignoreDb: true, doTable: true, ignoreTable: true, wildDoTable: true, wildIgnoreTable: true, doDomainIds: true,
  ignoreDomainIds: true, ignoreServerIds: true,
});
const SEMISYNC_KEYS = order<SemiSyncState>({
  names: true, sourceEnabled: true, replicaEnabled: true, sourceStatus: true, replicaStatus: true, clients: true,
  waitForReplicaCount: true, timeoutMs: true, waitPoint: true,
});
const ORCHESTRATOR_USER_KEYS = order<OrchestratorUser>({ user: true, error: true, may: true, missing: true });
const CAPABILITY_KEYS = order<RecoveryCapabilities>({ replication: true, readOnly: true, semiSyncSource: true, semiSyncReplica: true });

function orderInstance(inst: Instance): Record<string, unknown> {
  const out = pick(inst, INSTANCE_KEYS);
  if (inst.version) out.version = pick(inst.version, VERSION_KEYS);
  if (inst.gtid) out.gtid = pick(inst.gtid, GTID_KEYS);
  if (inst.replication) {
    const r = pick(inst.replication, REPLICATION_KEYS);
    if (inst.replication.filters) r.filters = pick(inst.replication.filters, FILTER_KEYS);
    out.replication = r;
  }
  if (inst.semiSync) out.semiSync = pick(inst.semiSync, SEMISYNC_KEYS);
  if (inst.orchestratorUser) {
    const u = pick(inst.orchestratorUser, ORCHESTRATOR_USER_KEYS);
    if (inst.orchestratorUser.may) u.may = pick(inst.orchestratorUser.may, CAPABILITY_KEYS);
    out.orchestratorUser = u;
  }
  return out;
}
