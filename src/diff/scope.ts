import { metaRows } from '../compile/orchestrator.js';
import { analyze, type Analysis, type PolicyInput, type ReadCache } from '../lint.js';
import type { ClusterPolicy } from '../policy/model.js';
import { DEPLOYMENT_SETTINGS } from '../rules/deployment-setting-conflict.js';

/** Both sides analysed, as far as the diff needs them. */
export interface ScopedAnalyses {
  base: Analysis;
  head: Analysis;
  /**
   * `changed`: only the changed files and the unchanged files that could interact with them were
   * read (see analyzeChange); `full`: every file, because the fleet file changed.
   */
  scope: 'changed' | 'full';
  /** Policy files with the same path and text on both sides. */
  unchangedFiles: number;
}

// why: a string value in YAML can hide its characters only behind a double-quoted escape, and a
// number behind a tag or a `%YAML 1.1` directive; a file that may do either is always read.
const ESCAPE = /\\/;
const NUMBER_HIDERS = /!|^%/m;
/**
 * Every YAML 1.2 number form (integer, octal, hexadecimal, float: what the schema's integers can
 * be written as) standing as a plain scalar: after a line start, blank, flow indicator or `:`,
 * and before a line end, blank, flow indicator, `:` or `#`.
 */
const NUMBER = /(?<=^|[\s[{,:])[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)(?=$|[\s\]},:#])/gm;
/** A plain-scalar number that is not a plain decimal integer: only then is NUMBER's scan needed. */
const UNUSUAL_NUMBER = /(?:^|[\s[{,:])[-+]?(?:0[xXoO]|[0-9]*\.[0-9]|[0-9]+\.(?=$|[\s\]},:#])|[0-9]+[eE])/m;

function numberValue(token: string): number {
  const sign = token.startsWith('-') ? -1 : 1;
  const digits = token.replace(/^[-+]/, '');
  if (/^0[xX]/.test(digits)) return sign * parseInt(digits.slice(2), 16);
  if (/^0[oO]/.test(digits)) return sign * parseInt(digits.slice(2), 8);
  return sign * Number(digits);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const WORD = /[A-Za-z0-9_.-]/;
const WORDS = /[A-Za-z0-9_.-]+/g;
const ONE_WORD = /^[A-Za-z0-9_.-]+$/;
/** Up to this many values are searched for with one regular expression. */
const FEW = 64;

/**
 * Whether a text holds one of `values` (names, deployments, hosts: letters, digits, `_`, `.`, `-`)
 * as a whole word of those characters: a YAML scalar equal to it is delimited by other characters
 * (blanks, quotes, flow indicators, `:`, `#`, line ends). Names compare with letter case folded
 * (the schema bounds their length, so they fit a regular expression); deployments and hosts as
 * written, by plain search (a deployment name has no length bound).
 */
function whole(values: ReadonlySet<string>, folded: boolean): (text: string) => boolean {
  if (values.size === 0) return () => false;
  if (values.size > FEW) {
    // why: a change to many files would make a regular expression too large; every word is looked up
    // instead, and what is not one word (an IPv6 host, never folded) searched for.
    const wanted = new Set([...values].filter((v) => ONE_WORD.test(v)).map((v) => (folded ? v.toLowerCase() : v)));
    const others = searched([...values].filter((v) => !ONE_WORD.test(v)));
    return (text) => {
      for (const [w] of text.matchAll(WORDS)) if (wanted.has(folded ? w.toLowerCase() : w)) return true;
      return others(text);
    };
  }
  if (!folded) return searched([...values]);
  const alternatives = [...values].map(escapeRegExp).join('|');
  const somewhere = new RegExp(alternatives, 'i');
  const bounded = new RegExp(`(?<![A-Za-z0-9_.-])(?:${alternatives})(?![A-Za-z0-9_.-])`, 'i');
  return (text) => somewhere.test(text) && bounded.test(text);
}

/** Whether a text holds one of `values` as written, not next to a word character. */
function searched(values: readonly string[]): (text: string) => boolean {
  return (text) => {
    for (const v of values) {
      for (let at = text.indexOf(v); at >= 0; at = text.indexOf(v, at + 1)) {
        if (!WORD.test(text[at - 1] ?? ' ') && !WORD.test(text[at + v.length] ?? ' ')) return true;
      }
    }
    return false;
  };
}

/**
 * Whether an unchanged file may hold a cluster with one of these names (letter case folded, as
 * duplicate-cluster-name compares them), cmon cluster ids or orchestrator deployments. Sound because
 * the schema allows only ASCII letters, digits, `_`, `.` and `-` in names and deployments: such a
 * value appears in the text as written, as a whole word, unless an escape spells it (files with a
 * backslash are read anyway: alwaysRead); an id appears as a number token of equal value unless a
 * tag or a `%YAML` directive reads it otherwise. A false positive costs one parse; a false negative
 * would be a wrong diff, so anything unsure counts as a match.
 */
function mayHold(names: ReadonlySet<string>, ids: ReadonlySet<number>, deployments: ReadonlySet<string>): (text: string) => boolean {
  const name = whole(names, true);
  const deps = whole(deployments, false);
  // why: a decimal integer equals an id exactly when its digits, leading zeros aside, are the id's.
  const digits = ids.size > FEW ? [] : [...ids].map(String);
  const decimal = new RegExp(`(?:^|[\\s[{,:])\\+?0*(?:${digits.join('|')})(?=$|[\\s\\]},:#])`, 'm');
  return (text) => {
    if (name(text) || deps(text)) return true;
    if (ids.size === 0) return false;
    if (NUMBER_HIDERS.test(text) || (digits.some((d) => text.includes(d)) && decimal.test(text))) return true;
    if (digits.length > 0 && !UNUSUAL_NUMBER.test(text)) return false;
    for (const m of text.matchAll(NUMBER)) {
      const v = numberValue(m[0]);
      // why: the yaml parser may round a long decimal to an integer; a neighbour costs only a parse.
      if (ids.has(Math.floor(v)) || ids.has(Math.ceil(v))) return true;
    }
    return false;
  };
}

/** Files read whatever changed: those that may be a fleet file, and those that may spell any value with an escape. */
const alwaysRead = (text: string) => text.includes('fleet') || ESCAPE.test(text);

/**
 * What a cluster gives its orchestrator deployment besides its promotion filters: its name (the
 * cluster filters, which cluster comes first), and the deployment-wide settings with the file each
 * comes from (the node configs take the first cluster's; deployment-setting-conflict compares them).
 */
function deploymentPart(c: ClusterPolicy | undefined): string {
  if (!c) return 'none';
  return JSON.stringify([c.name, c.orchestrator?.deployment ?? null, DEPLOYMENT_SETTINGS.map((s) => [JSON.stringify(s.value(c)), c.origin(s.path).file.path])]);
}

/** The hosts (as written) a cluster puts into its deployment's PromotionIgnoreHostnameFilters, by filter. */
function mustNot(c: ClusterPolicy | undefined): Map<string, string> {
  return new Map((c?.orchestrator ? metaRows(c) : []).filter((r) => r.promotionRule === 'must_not').map((r) => [`${r.host}:${r.port}`, r.host]));
}

/**
 * The orchestrator deployments whose every cluster must be read (a changed cluster joins or leaves
 * one, or changes its name or a deployment-wide setting), and per deployment the hosts whose
 * promotion filter alone changes: of such a deployment only the clusters that may hold one of
 * those hosts are needed (whether the filter list changes, and which clusters the change reaches).
 */
function deploymentNeeds(before: readonly ClusterPolicy[], after: readonly ClusterPolicy[]) {
  const by = (cs: readonly ClusterPolicy[]) => new Map(cs.map((c) => [c.file.path, c]));
  const [b, a] = [by(before), by(after)];
  const whole = new Set<string>();
  const hosts = new Map<string, Set<string>>();
  for (const path of new Set([...b.keys(), ...a.keys()])) {
    const [was, is] = [b.get(path), a.get(path)];
    const deps = [was, is].flatMap((c) => (c?.orchestrator ? [c.orchestrator.deployment] : []));
    if (deploymentPart(was) !== deploymentPart(is)) {
      for (const d of deps) whole.add(d);
      continue;
    }
    const [mb, ma] = [mustNot(was), mustNot(is)];
    for (const [filter, host] of [...mb, ...ma]) {
      if (mb.has(filter) && ma.has(filter)) continue;
      for (const d of deps) hosts.set(d, (hosts.get(d) ?? new Set()).add(host));
    }
  }
  return { whole, hosts };
}

/**
 * Analyses two sides of a change for diffRepositories, reading as few files as its result allows.
 * A file with the same path and text on both sides (unchanged) defines the same on both, so only
 * the changed files and the unchanged ones that could interact with them are parsed:
 *
 * - the fleet files, which every cluster reads;
 * - the clusters named like a changed cluster (letter case folded): which file of a name counts,
 *   duplicate-cluster-name, and the findings of a cluster the diff reports;
 * - the clusters sharing a cmon cluster id or an orchestrator deployment with a changed cluster
 *   (duplicate-cmon-cluster-id, deployment-setting-conflict, the deployment's node configs, which
 *   are made from all its clusters).
 *
 * Any other unchanged file reads alike on both sides and meets no changed file in a rule, so its
 * findings are the same on both sides and cancel out, whether they are computed or not; of an
 * unchanged cluster named like a changed one, only what a changed file reaches can differ.
 * diffRepositories therefore gives the same result as with every file read (a test holds the two
 * to it). When a fleet file changes, every cluster may change: then all files are read; so they
 * are when the fleet file suppresses deployment-setting-conflict somewhere
 * (whether that suppression is used depends on every deployment).
 */
export function analyzeChange(base: readonly PolicyInput[], head: readonly PolicyInput[], cache: ReadCache): ScopedAnalyses {
  const headTexts = new Map(head.map((i) => [i.path, i.text]));
  const unchanged = base.filter((i) => headTexts.get(i.path) === i.text);
  const same = new Set(unchanged.map((i) => i.path));
  const changed = (inputs: readonly PolicyInput[]) => inputs.filter((i) => !same.has(i.path));
  const full = (): ScopedAnalyses => ({ base: analyze(base, cache), head: analyze(head, cache), scope: 'full', unchangedFiles: unchanged.length });

  const always = unchanged.filter((i) => alwaysRead(i.text));
  // why: whether such a suppression is used depends on every deployment's clusters, not only the changed ones'.
  if (always.some((i) => i.text.includes('succession-disable-') && i.text.includes('deployment-setting-conflict'))) return full();
  const own = [analyze([...changed(base), ...always], cache), analyze([...changed(head), ...always], cache)];
  if (own.some((a) => a.repo.fleetFiles.some((f) => !same.has(f.path)))) return full();
  const [before, after] = own.map((a) => a.repo.clusters.filter((c) => !same.has(c.file.path))) as [ClusterPolicy[], ClusterPolicy[]];
  const mine = [...before, ...after];
  const rest = unchanged.filter((i) => !alwaysRead(i.text));

  const names = new Set(mine.map((c) => c.name.toLowerCase()));
  const ids = new Set(mine.flatMap((c) => (c.cmon ? [c.cmon.clusterId] : [])));
  const needs = deploymentNeeds(before, after);
  const reaches = mayHold(names, ids, needs.whole);
  const filters = [...needs.hosts].filter(([d]) => !needs.whole.has(d)).map(([d, hosts]) => [whole(new Set([d]), false), whole(hosts, false)] as const);
  const reach = rest.filter((i) => reaches(i.text) || filters.some(([deployment, host]) => deployment(i.text) && host(i.text)));
  const scoped = [...always, ...reach];
  return {
    base: analyze([...changed(base), ...scoped], cache),
    head: analyze([...changed(head), ...scoped], cache),
    scope: 'changed',
    unchangedFiles: unchanged.length,
  };
}
