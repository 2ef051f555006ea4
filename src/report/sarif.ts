import { createHash } from 'node:crypto';
import { isAbsolute, resolve, sep } from 'node:path';
import type { Finding } from '../findings.js';
import { docsUrl, type Rule } from '../rules/rule.js';
import { inRepository } from './root.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** The base id under which result paths are relative to the repository root. */
export const SRCROOT = '%SRCROOT%';

export interface SarifTool {
  version: string;
  rules: readonly Rule[];
  /** Each rule's documentation page (markdown), by id: its `help`, and its first paragraph as `fullDescription`. */
  docs?: ReadonlyMap<string, string>;
  /** Absolute path of the repository root, which result URIs are relative to; absent: paths as given. */
  root?: string;
  /** The directory relative finding paths are relative to (default: the process's). */
  cwd?: string;
}

/**
 * A path as an RFC 3986 URI: a relative path stays a relative reference, an absolute one becomes
 * a `file://` URI. Each segment is percent-encoded as UTF-8 but for the unreserved characters and
 * `!'()*`, so spaces, `#`, `?`, `%`, `:` and non-ASCII names round-trip (`decodeURIComponent` per
 * segment gives the name back) and a first segment with `:` is not read as a scheme. (A lone
 * surrogate, which has no UTF-8 form, becomes U+FFFD.)
 */
export function artifactUri(file: string): string {
  const segments = file.split(sep);
  const encoded = segments.map((s) => encodeURIComponent(s.replace(/\p{Cs}/gu, '\ufffd'))).join('/');
  if (isAbsolute(file)) return `file://${encoded}`;
  return encoded.replace(/^(\.\/)+/, '');
}

/**
 * SARIF 2.1.0 as GitHub code scanning ingests it: every rule with short and full descriptions and
 * its documentation page as help; locations relative to the repository root (`%SRCROOT%`);
 * partial fingerprints that do not change when a finding moves to another line.
 */
export function formatSarif(findings: readonly Finding[], tool: SarifTool): string {
  const rules = tool.rules.map((r) => {
    const page = tool.docs?.get(r.id);
    return {
      id: r.id,
      name: ruleName(r.id),
      shortDescription: { text: r.description },
      fullDescription: { text: (page && firstParagraph(page)) ?? r.description },
      ...(page ? { help: { text: page, markdown: page } } : {}),
      helpUri: docsUrl(r.id),
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: { tags: [r.id.startsWith('live-') ? 'live' : 'static'] },
    };
  });
  const index = new Map(tool.rules.map((r, i) => [r.id, i]));
  const where = (file: string) => artifactLocation(file, tool);
  const seen = new Map<string, number>();
  const results = findings.map((f) => {
    const result: Record<string, unknown> = {
      ruleId: f.ruleId,
      level: LEVEL[f.severity],
      message: { text: f.hint ? `${f.message} ${f.hint}` : f.message },
      locations: [location(f, where)],
    };
    const i = index.get(f.ruleId);
    if (i !== undefined) result.ruleIndex = i;
    if (f.related?.length) {
      result.relatedLocations = f.related.map((r, id) => ({ id, ...location(r, where), message: { text: r.message } }));
    }
    // why: rule, file and message say which problem this is; the line does not (an edit above moves
    // it). The n-th identical finding of a file keeps its own fingerprint.
    const key = `${f.ruleId}\0${where(f.file).uri}\0${f.message}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    result.partialFingerprints = { 'succession/v1': createHash('sha256').update(`${key}\0${n}`).digest('hex') };
    return result;
  });
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: 'succession',
        version: tool.version,
        semanticVersion: tool.version,
        informationUri: 'https://github.com/succession-dev/succession',
        rules,
      },
    },
  };
  if (tool.root !== undefined) run.originalUriBaseIds = { [SRCROOT]: { uri: artifactUri(tool.root.endsWith(sep) ? tool.root : `${tool.root}${sep}`) } };
  run.columnKind = 'utf16CodeUnits';
  run.results = results;
  const log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** `duplicate-host` → `DuplicateHost`: SARIF's name is an identifier-like form of the id. */
function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, _d: string, c: string) => c.toUpperCase());
}

/** The page's first paragraph after its title and severity line: the rule in one or two sentences. */
function firstParagraph(page: string): string | undefined {
  const paragraphs = page.split(/\n\s*\n/).map((p) => p.trim());
  return paragraphs.find((p) => p !== '' && !p.startsWith('#') && !/^Severity:/.test(p))?.replace(/\s*\n\s*/g, ' ');
}

function artifactLocation(file: string, tool: SarifTool): { uri: string; uriBaseId?: string } {
  if (tool.root === undefined) return { uri: artifactUri(file) };
  const cwd = tool.cwd ?? process.cwd();
  const inRoot = inRepository(file, { dir: tool.root, cwd });
  return inRoot === undefined ? { uri: artifactUri(resolve(cwd, file)) } : { uri: artifactUri(inRoot), uriBaseId: SRCROOT };
}

function location(f: { file: string; line: number; column: number; endLine: number; endColumn: number }, where: (file: string) => { uri: string; uriBaseId?: string }) {
  return {
    physicalLocation: {
      artifactLocation: where(f.file),
      region: {
        startLine: Math.max(1, f.line),
        startColumn: Math.max(1, f.column),
        endLine: Math.max(f.line, f.endLine),
        endColumn: Math.max(f.endLine > f.line ? 1 : f.column + 1, f.endColumn),
      },
    },
  };
}
