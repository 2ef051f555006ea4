import type { ErrorObject, ValidateFunction } from 'ajv';
import { closest, didYouMean } from '../util/suggest.js';
import { locate, locateKey, pointerToPath, type JsonPath } from './locate.js';
import { parseSource, type SourceFile } from './source.js';
import { isMap, isScalar } from 'yaml';
import type { Finding } from '../findings.js';
import * as generated from './validators.generated.js';
import { PACKAGE_ROOT } from '../paths.js';

/** Directory of the JSON schemas shipped with the package. */
export const SCHEMA_DIR = new URL('schemas/', PACKAGE_ROOT);

/**
 * Keywords of the schemas that only editors read (yaml-language-server, VS Code); ajv's strict
 * mode must be told of them. scripts/gen-validators.mjs keeps the same list.
 */
export const EDITOR_KEYWORDS = [
  { keyword: 'markdownDescription', schemaType: 'string' },
  { keyword: 'markdownEnumDescriptions', schemaType: 'array' },
  { keyword: 'patternErrorMessage', schemaType: 'string' },
] as const;

export type DocumentKind = 'cluster' | 'fleet' | 'config';

/** The kinds of policy files; `config` is succession's own configuration, not a policy. */
export const POLICY_KINDS = ['cluster', 'fleet'] as const;

interface Validators {
  cluster: ValidateFunction;
  fleet: ValidateFunction;
  config: ValidateFunction;
}

// why: compiled ahead of time (scripts/gen-validators.mjs); compiling at start-up cost more than the rest of a one-file lint.
const VALIDATORS: Validators = {
  cluster: generated.cluster as unknown as ValidateFunction,
  fleet: generated.fleet as unknown as ValidateFunction,
  config: generated.config as unknown as ValidateFunction,
};

/** The policy, fleet and config validators. */
export function validators(): Validators {
  return VALIDATORS;
}

/** Which schema a parsed document should be checked against: anything not a fleet or config file is held to the cluster schema. */
export function documentKind(data: unknown): DocumentKind {
  if (!isObject(data)) return 'cluster';
  return data.kind === 'fleet' || data.kind === 'config' ? data.kind : 'cluster';
}

// why: nearly every policy starts so; it spares a second parse of each file of a large repository.
const POLICY_KIND_LINE = /^kind:[ \t]*(["']?)(cluster|fleet)\1[ \t]*(#.*)?\r?$/m;

/**
 * Whether a file found by walking a directory (or matching a glob) is a policy file: its
 * top-level `kind`, as far as the YAML can be read (syntax errors elsewhere do not hide it), is
 * `cluster` or `fleet`, or close enough to be a typo of one (`clsuter`, `Fleet`), or it has no
 * `kind` but a cluster's `primary` and `hosts`; lint then reports what is wrong. Other YAML
 * (docker-compose.yml, CI workflows, succession.config.yaml) is not.
 */
export function isPolicyDocument(path: string, text: string): boolean {
  if (POLICY_KIND_LINE.test(text)) return true;
  const contents = parseSource(path, text).doc.contents;
  if (!isMap(contents)) return false;
  const keys = new Set(contents.items.map((p) => (isScalar(p.key) ? p.key.value : undefined)));
  const pair = contents.items.find((p) => isScalar(p.key) && p.key.value === 'kind');
  // why: a cluster policy that lost its `kind` line must not drop out of the build unnoticed; it
  // is read (and the schema says what is missing) when it has a cluster's `primary` and `hosts`.
  if (!pair) return keys.has('primary') && keys.has('hosts');
  if (!isScalar(pair.value) || typeof pair.value.value !== 'string') return false;
  const kind = pair.value.value;
  return closest(kind, POLICY_KINDS) !== undefined;
}

/** Validates a parsed file against the schema of its kind (or of `kind`); each ajv error becomes a positioned finding. */
export function validateSchema(file: SourceFile, kind = documentKind(file.data)): Finding[] {
  const validate = validators()[kind];
  if (validate(file.data)) return [];
  const errors = validate.errors ?? [];
  return prune(errors).map((e) => toFinding(file, kind, e, errors));
}

/**
 * What a value or key that fails a schema keyword should be: the schema's `patternErrorMessage`
 * (the same text yaml-language-server shows in an editor) rather than ajv's "must match pattern
 * "^(\[…" with the raw regular expression.
 */
function explain(e: ErrorObject): string {
  const readable = (e.parentSchema as { patternErrorMessage?: string } | undefined)?.patternErrorMessage;
  return e.keyword === 'pattern' && readable !== undefined ? readable : e.message ?? 'is invalid';
}

/**
 * Drops errors that only restate others: the inner errors of `propertyNames` (reported once,
 * at the key) and duplicate messages at one path.
 */
function prune(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    // why: ajv marks the inner errors of `propertyNames` with a top-level `propertyName`, not in params.
    if (e.propertyName !== undefined && e.keyword !== 'propertyNames') continue;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

function toFinding(file: SourceFile, kind: DocumentKind, e: ErrorObject, all: readonly ErrorObject[]): Finding {
  const path = pointerToPath(e.instancePath);
  const where = path.length === 0 ? `the ${kind} document` : `"${displayPath(path)}"`;
  const parent = (e.parentSchema ?? {}) as { properties?: Record<string, unknown>; enum?: unknown[] };
  let message: string;
  let span = locate(file, path);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      span = locateKey(file, path, key);
      message = `Unknown key "${key}" in ${where}.${didYouMean(key, Object.keys(parent.properties ?? {}))}`;
      break;
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      message = `Missing required key "${key}" in ${where}.`;
      break;
    }
    case 'propertyNames': {
      const key = (e.params as { propertyName: string }).propertyName;
      span = locateKey(file, path, key);
      // why: the reasons are in the inner errors of the key's schema, which prune dropped.
      const reasons = all.filter((i) => i.propertyName === key && i.instancePath === e.instancePath && i.keyword !== 'propertyNames').map(explain);
      const why = reasons.length > 0 ? [...new Set(reasons)].join('; ') : 'is not allowed here';
      message = path[path.length - 1] === 'hosts' ? `Invalid host key "${key}": ${why}.` : `Invalid key "${key}" in ${where}: ${why}.`;
      break;
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const got = String(e.data);
      message = `${where} must be one of ${allowed.join(', ')} (got "${got}").${didYouMean(got, allowed)}`;
      break;
    }
    case 'const':
      message = `${where} must be "${String((e.params as { allowedValue: unknown }).allowedValue)}" (got ${JSON.stringify(e.data)}).`;
      break;
    case 'type':
      message = `${where} must be ${(e.params as { type: string }).type} (got ${describe(e.data)}).`;
      break;
    case 'pattern':
      message = `${where} has an invalid value ${JSON.stringify(e.data)}: ${explain(e)}.`;
      break;
    default:
      message = `${where} ${e.message ?? 'is invalid'}.`;
  }
  return { ruleId: 'schema', severity: 'error', message, file: file.path, ...span };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** `hosts.rha-db-02:3306.promotion`, `candidates.whitelist[0]`. */
export function displayPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number' || /^[0-9]+$/.test(seg)) out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
