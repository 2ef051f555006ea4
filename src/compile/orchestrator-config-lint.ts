import { compareFindings, type Finding, type Severity } from '../findings.js';
import { locate, type Target } from '../policy/locate.js';
import { DEFAULTS, ORCHESTRATOR_RELEASES, type OrchestratorRelease } from '../policy/model.js';
import { parseSource, type SourceFile } from '../policy/source.js';
import { didYouMean } from '../util/suggest.js';
import { orchestratorConfigValidator, orchestratorKeys, releaseReads } from './orchestrator-schema.js';
import { ORCHESTRATOR_CONFIG_RULES } from './orchestrator-config-rules.js';

type RuleId = (typeof ORCHESTRATOR_CONFIG_RULES)[number]['id'];

const SEVERITY = new Map<string, Severity>(ORCHESTRATOR_CONFIG_RULES.map((r) => [r.id, r.severity]));

/** One written key: its spelling in the file and the orchestrator key it sets. */
interface Written {
  written: string;
  key: string;
  value: unknown;
}

/**
 * orchestrator reads strict JSON; YAML (which keeps the positions) would accept trailing commas,
 * comments and unquoted keys that make orchestrator exit at start-up.
 */
function jsonSyntaxError(path: string, text: string): Finding | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    const offset = Number(/at position ([0-9]+)/.exec(message)?.[1] ?? text.length);
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const column = before.at(-1)!.length + 1;
    return {
      ruleId: 'syntax',
      severity: 'error',
      file: path,
      message: `Not valid JSON: ${message.replace(/ in JSON at position [0-9]+.*$/, '')}; orchestrator exits with "Cannot read config file".`,
      line,
      column,
      endLine: line,
      endColumn: column + 1,
    };
  }
}

class Collector {
  readonly findings: Finding[] = [];
  constructor(private readonly file: SourceFile) {}

  at(ruleId: RuleId, written: string | undefined, message: string, opts: { hint?: string; target?: Target; index?: number } = {}): void {
    const path = written === undefined ? [] : opts.index === undefined ? [written] : [written, opts.index];
    const span = locate(this.file, path, opts.target ?? (opts.index === undefined ? 'key' : 'value'));
    const f: Finding = { ruleId, severity: SEVERITY.get(ruleId)!, file: this.file.path, message, ...span };
    if (opts.hint) f.hint = opts.hint;
    this.findings.push(f);
  }
}

/**
 * Lints a hand-written orchestrator.conf.json the way the given orchestrator release would read
 * it: keys match case-insensitively and unknown keys, including the other build's, are ignored
 * (both silently), a type mismatch or a failed start-up check is fatal, and some settings are
 * silently overridden. Pure; findings carry file:line:column (JSON is parsed as YAML, which keeps
 * positions).
 */
export function lintOrchestratorConfig(path: string, text: string, release: OrchestratorRelease = DEFAULTS.orchestratorRelease): Finding[] {
  const strict = jsonSyntaxError(path, text);
  if (strict) return [strict];
  const parsed = parseSource(path, text);
  const duplicates = parsed.syntaxErrors.filter((e) => e.code === 'DUPLICATE_KEY');
  if (parsed.syntaxErrors.length > duplicates.length) {
    return parsed.syntaxErrors.map(({ code, message, ...span }) => ({ ruleId: 'syntax', severity: 'error', file: path, message: `${message} (${code})`, ...span }));
  }
  // why: orchestrator's decoder, like JSON.parse, keeps the last of two equal keys; the YAML
  // parser rejects them but still holds the positions.
  const file = { ...parsed, data: JSON.parse(text) as unknown, syntaxErrors: [] };
  const out = new Collector(file);
  const lines = text.split('\n');
  for (const { code: _code, message: _message, ...span } of duplicates) {
    const key = /^\s*"((?:[^"\\]|\\.)*)"/.exec(lines[span.line - 1]!.slice(span.column - 1))?.[1] ?? 'This key';
    const message = `${key} is set twice; orchestrator keeps the later value.`;
    out.findings.push({ ruleId: 'orchestrator-key-case', severity: SEVERITY.get('orchestrator-key-case')!, file: path, message, hint: 'Keep one.', ...span });
  }
  const data = file.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    out.at('orchestrator-type-mismatch', undefined, 'An orchestrator configuration is a JSON object; orchestrator exits with "Cannot read config file".');
    return out.findings.sort(compareFindings);
  }
  const keys = orchestratorKeys();
  const byLower = new Map(Object.keys(keys).map((k) => [k.toLowerCase(), k]));
  const readable = Object.keys(keys).filter((k) => releaseReads(release, k));
  const written: Written[] = [];
  for (const [w, value] of Object.entries(data)) {
    const key = byLower.get(w.toLowerCase());
    if (key !== undefined && !releaseReads(release, key)) {
      // why: the release never decodes the key, so neither its type nor its value matters.
      const readers = ORCHESTRATOR_RELEASES.filter((r) => releaseReads(r, key));
      const ignored = `${release} (--release) ignores it silently, so the setting has no effect.`;
      if (readers.length > 0) {
        out.at('orchestrator-key-not-in-release', w, `Only ${readers.join(' and ')} reads ${key}; ${ignored}`, {
          hint: `Remove it, or lint with --release ${readers[0]!} if that orchestrator runs this file.`,
        });
      } else {
        // why: the keys no modeled release reads are those percona added after v3.2.6-13 (see the schema's description).
        out.at('orchestrator-key-not-in-release', w, `${key} came to percona/orchestrator after v3.2.6-13; ${ignored}`, {
          hint: `Remove it: no release succession models (${ORCHESTRATOR_RELEASES.join(', ')}) reads it.`,
        });
      }
    } else if (key !== undefined) {
      written.push({ written: w, key, value });
      if (key !== w) {
        out.at('orchestrator-key-case', w, `orchestrator reads "${w}" as ${key} (keys match case-insensitively), but tools that compare exact names will not.`, { hint: `Write it as ${key}.` });
      }
    } else if (w.toLowerCase() === 'semisyncenforced') {
      out.at(
        'orchestrator-legacy-semi-sync-enforced',
        w,
        `"${w}" is not a configuration key (it was an instance field, renamed SemiSyncPriority in v3.2.6); orchestrator ignores it.`,
        { hint: 'Return a priority from DetectSemiSyncEnforcedQuery (0 = async, higher first) and set EnforceExactSemiSyncReplicas or RecoverLockedSemiSyncMaster.' },
      );
    } else {
      out.at('orchestrator-unknown-key', w, `Unknown key "${w}": orchestrator ignores it silently, so the setting has no effect.${didYouMean(w, readable)}`);
    }
  }
  // why: with two spellings of one key, Go's decoder keeps the later one.
  const effective = new Map<string, Written>();
  for (const w of written) {
    const earlier = effective.get(w.key);
    if (earlier) out.at('orchestrator-key-case', w.written, `${w.key} is set twice ("${earlier.written}" and "${w.written}"); orchestrator keeps the later value.`, { hint: 'Keep one.' });
    effective.set(w.key, w);
  }
  checkTypes(out, effective);
  if (out.findings.some((f) => f.ruleId === 'orchestrator-type-mismatch')) return out.findings.sort(compareFindings);
  checkStartup(out, effective, keys);
  checkPitfalls(out, effective, keys);
  return out.findings.sort(compareFindings);
}

function checkTypes(out: Collector, effective: Map<string, Written>): void {
  const validate = orchestratorConfigValidator();
  const canonical = Object.fromEntries([...effective].map(([k, w]) => [k, w.value]));
  if (validate(canonical)) return;
  for (const e of validate.errors ?? []) {
    const [, key, index] = e.instancePath.split('/');
    const w = key === undefined ? undefined : effective.get(key);
    if (!w) continue;
    const i = index === undefined ? undefined : Number(index);
    out.at('orchestrator-type-mismatch', w.written, `${w.key} ${e.message ?? 'has the wrong type'}${keysTypeNote(w.key)}: orchestrator exits at start-up with "Cannot read config file".`, {
      target: 'value',
      ...(i === undefined ? {} : { index: i }),
    });
  }
}

function keysTypeNote(key: string): string {
  const d = orchestratorKeys()[key]?.description ?? '';
  const m = /^Go type ([^;.]+)/.exec(d);
  return m ? ` (Go type ${m[1]})` : '';
}

type Keys = ReturnType<typeof orchestratorKeys>;

function value(effective: Map<string, Written>, keys: Keys, key: string): unknown {
  const v = effective.get(key)?.value;
  return v === undefined || v === null ? keys[key]?.default : v;
}

function checkStartup(out: Collector, eff: Map<string, Written>, keys: Keys): void {
  const v = (k: string) => value(eff, keys, k);
  const w = (k: string) => eff.get(k)?.written;
  const fatal = (msg: string) => `orchestrator refuses to start: "${msg}".`;

  const lag = v('ReplicationLagQuery') as string;
  const slaveLag = v('SlaveLagQuery') as string;
  if (lag !== '' && slaveLag !== '' && lag !== slaveLag) {
    out.at('orchestrator-synonym-conflict', w('SlaveLagQuery'), fatal("config's ReplicationLagQuery and SlaveLagQuery are synonyms and cannot both be defined"), { hint: 'Keep ReplicationLagQuery only.' });
  }
  const postponeReplica = v('PostponeReplicaRecoveryOnLagMinutes') as number;
  const postponeSlave = v('PostponeSlaveRecoveryOnLagMinutes') as number;
  if (postponeReplica !== 0 && postponeSlave !== 0 && postponeReplica !== postponeSlave) {
    out.at(
      'orchestrator-synonym-conflict',
      w('PostponeSlaveRecoveryOnLagMinutes'),
      fatal("config's PostponeReplicaRecoveryOnLagMinutes and PostponeSlaveRecoveryOnLagMinutes are synonyms and cannot both be defined"),
      { hint: 'Keep PostponeReplicaRecoveryOnLagMinutes only.' },
    );
  }
  if (v('FailMasterPromotionIfSQLThreadNotUpToDate') === true && v('DelayMasterPromotionIfSQLThreadNotUpToDate') === true) {
    out.at('orchestrator-promotion-sql-thread-conflict', w('DelayMasterPromotionIfSQLThreadNotUpToDate'), fatal('Cannot have both FailMasterPromotionIfSQLThreadNotUpToDate and DelayMasterPromotionIfSQLThreadNotUpToDate enabled'), {
      hint: 'Fail aborts the promotion, Delay waits for the SQL thread: choose one.',
    });
  }
  if ((v('FailMasterPromotionOnLagMinutes') as number) > 0 && lag === '' && slaveLag === '') {
    out.at('orchestrator-lag-minutes-without-query', w('FailMasterPromotionOnLagMinutes'), fatal('nonzero FailMasterPromotionOnLagMinutes requires ReplicationLagQuery to be set'), {
      hint: 'Set ReplicationLagQuery (a query returning the lag in seconds), or set FailMasterPromotionOnLagMinutes to 0.',
    });
  }
  if (String(v('BackendDB')).includes('sqlite') && v('SQLite3DataFile') === '') {
    out.at('orchestrator-sqlite-without-file', w('BackendDB'), fatal('SQLite3DataFile must be set when BackendDB is sqlite3'), { hint: 'Set SQLite3DataFile to a path on the node, e.g. /var/lib/orchestrator/orchestrator.sqlite3.' });
  }
  if (v('RaftEnabled') === true) {
    if (v('RaftDataDir') === '') out.at('orchestrator-raft-incomplete', w('RaftEnabled'), fatal('RaftDataDir must be defined since raft is enabled (RaftEnabled)'), { hint: 'Set RaftDataDir.' });
    if (v('RaftBind') === '') out.at('orchestrator-raft-incomplete', w('RaftBind'), fatal('RaftBind must be defined since raft is enabled (RaftEnabled)'), { hint: "Set RaftBind to this node's address." });
    if (v('HTTPAdvertise') === '' && !/:[0-9]+$/.test(String(v('ListenAddress')))) {
      out.at('orchestrator-raft-incomplete', w('ListenAddress') ?? w('RaftEnabled'), 'With raft on and no HTTPAdvertise, orchestrator derives the leader URL from the ListenAddress port; this ListenAddress has none ("computeLeaderURI: cannot determine listen port").', {
        hint: 'Set ListenAddress to ":3000" (or similar), or set HTTPAdvertise.',
      });
    }
  }
  const advertise = v('HTTPAdvertise') as string;
  if (advertise !== '') {
    const problem = httpAdvertiseProblem(advertise);
    if (problem) out.at('orchestrator-http-advertise-invalid', w('HTTPAdvertise'), fatal(problem), { target: 'value', hint: 'Use the form http://host:port with no path.' });
  }
}

/** orchestrator's HTTPAdvertise checks, in its order; undefined when the URL passes. */
export function httpAdvertiseProblem(url: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(url);
  if (!m || !/^https?$/i.test(m[1]!)) return 'If specified, HTTPAdvertise must include scheme (http:// or https://)';
  const authority = m[2]!.replace(/^[^@]*@/, '');
  const hp = /^(\[[^\]]*\]|[^:]*)(?::([0-9]*))?$/.exec(authority);
  if (!hp || hp[1] === '') return 'If specified, HTTPAdvertise must include host name';
  if (!hp[2]) return 'If specified, HTTPAdvertise must include port number';
  if (m[3] !== '') return 'If specified, HTTPAdvertise must not specify a path';
  return undefined;
}

/** Compiles a Go regexp as far as JavaScript can; undefined when it does not compile. */
function goRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'));
  } catch {
    return undefined;
  }
}

const PATTERN_KEYS = ['DataCenterPattern', 'RegionPattern', 'PhysicalEnvironmentPattern'];
const FILTER_KEYS = [
  'PromotionIgnoreHostnameFilters',
  'RecoveryIgnoreHostnameFilters',
  'ProblemIgnoreHostnameFilters',
  'DiscoveryIgnoreHostnameFilters',
  'DiscoveryIgnoreMasterHostnameFilters',
  'DiscoveryIgnoreReplicaHostnameFilters',
  'OSCIgnoreHostnameFilters',
];

function checkPitfalls(out: Collector, eff: Map<string, Written>, keys: Keys): void {
  const v = (k: string) => value(eff, keys, k);
  const w = (k: string) => eff.get(k)?.written;
  if (eff.has('RecoveryPeriodBlockMinutes') && v('RecoveryPeriodBlockSeconds') !== 0) {
    out.at(
      'orchestrator-recovery-block-minutes-ignored',
      w('RecoveryPeriodBlockMinutes'),
      `RecoveryPeriodBlockMinutes is only used while RecoveryPeriodBlockSeconds is 0, and RecoveryPeriodBlockSeconds is ${String(v('RecoveryPeriodBlockSeconds'))}${eff.has('RecoveryPeriodBlockSeconds') ? '' : ' (its default)'}: the minutes are ignored.`,
      { hint: 'Set RecoveryPeriodBlockSeconds instead and remove RecoveryPeriodBlockMinutes.' },
    );
  }
  const synonyms: [slave: string, replica: string][] = [
    ['DetachLostSlavesAfterMasterFailover', 'DetachLostReplicasAfterMasterFailover'],
    ['MasterFailoverDetachSlaveMasterHost', 'MasterFailoverDetachReplicaMasterHost'],
  ];
  for (const [slave, replica] of synonyms) {
    if (v(slave) === true && eff.has(replica) && v(replica) === false) {
      out.at('orchestrator-legacy-synonym', w(replica), `${replica}: false has no effect while ${slave} is true${eff.has(slave) ? '' : ' (its default)'}: orchestrator forces ${replica} to true.`, {
        target: 'value',
        hint: `Set ${slave} to false as well.`,
      });
    }
  }
  const legacyNames: [slave: string, replica: string][] = [
    ['SlaveLagQuery', 'ReplicationLagQuery'],
    ['PostponeSlaveRecoveryOnLagMinutes', 'PostponeReplicaRecoveryOnLagMinutes'],
  ];
  for (const [slave, replica] of legacyNames) {
    if (eff.has(slave) && !eff.has(replica) && v(slave) !== '' && v(slave) !== 0) {
      out.at('orchestrator-legacy-synonym', w(slave), `${slave} is the legacy name of ${replica}; orchestrator copies it over, but both names in one file must agree or orchestrator refuses to start.`, {
        hint: `Rename it to ${replica}.`,
      });
    }
  }
  for (const k of PATTERN_KEYS) {
    const p = v(k);
    if (typeof p !== 'string' || p === '') continue;
    const re = goRegExp(p);
    if (!re) {
      out.at('orchestrator-invalid-regexp', w(k), `${k} is not a valid regular expression; orchestrator ignores it silently.`, { target: 'value' });
    } else if ((new RegExp(`${re.source}|`).exec('')?.length ?? 1) < 2) {
      out.at('orchestrator-pattern-without-capture-group', w(k), `${k} has no capture group: orchestrator takes the first group of the match as the value, so this pattern never yields one.`, {
        target: 'value',
        hint: 'Wrap the part that names the data center in parentheses, e.g. "^[a-z]+-([a-z0-9]+)-".',
      });
    }
  }
  for (const k of FILTER_KEYS) {
    const list = v(k);
    if (!Array.isArray(list)) continue;
    list.forEach((p, i) => {
      if (typeof p === 'string' && !goRegExp(p)) out.at('orchestrator-invalid-regexp', w(k), `${k} entry "${p}" is not a valid regular expression; orchestrator lets it match nothing.`, { index: i });
    });
  }
  const filters = v('RecoverMasterClusterFilters');
  if (!Array.isArray(filters) || filters.length === 0) {
    out.at('orchestrator-no-master-recovery', w('RecoverMasterClusterFilters'), 'RecoverMasterClusterFilters is empty: orchestrator detects a dead primary but never fails over automatically.', {
      hint: 'List the clusters to recover, e.g. ["alias=shop"], or ["*"] for all.',
    });
  }
  // why: only these two expand "${VAR}" from the environment.
  for (const k of ['MySQLTopologyPassword', 'MySQLOrchestratorPassword']) {
    const p = v(k);
    if (typeof p === 'string' && p !== '' && !/^\$\{[^}]+\}$/.test(p)) {
      out.at('orchestrator-password-literal', w(k), `${k} holds a password literal; anyone who can read the config (or its repository) has it.`, {
        target: 'value',
        hint: `Use ${k.replace('Password', 'CredentialsConfigFile')} (my.cnf format) or "\${ENV_VAR}".`,
      });
    }
  }
  for (const k of ['MasterFailoverLostInstancesDowntimeMinutes', 'ExpectFailureAnalysisConcensus']) {
    if (eff.has(k)) out.at('orchestrator-dead-key', w(k), `${k} is read but never used by orchestrator; setting it changes nothing.`, { hint: 'Remove it.' });
  }
}
