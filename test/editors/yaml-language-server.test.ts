import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';
import { ROOT, run } from '../cli/helpers.js';

/**
 * The schemas as an editor sees them: a real yaml-language-server (the server behind the VS Code
 * YAML extension and most other editors' YAML support), spoken to over LSP on stdio, on files
 * `succession init` wrote, whose modelines name the schemas.
 */

interface Diagnostic {
  message: string;
  range: { start: { line: number; character: number } };
}

// why: no schema store (it would be fetched from the network and could claim *.yaml files).
// `schemas` is the VS Code setting README's Editors section shows, for files without a modeline.
const YAML_SETTINGS = {
  schemaStore: { enable: false },
  validate: true,
  hover: true,
  completion: true,
  format: { enable: false },
  schemas: {
    './node_modules/succession/schemas/policy.schema.json': 'policies/clusters/*.yaml',
    './node_modules/succession/schemas/fleet.schema.json': 'policies/fleet.yaml',
  },
};

const schema = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8')) as Record<string, any>;
const POLICY = schema('policy');
const FLEET = schema('fleet');

let server: ChildProcess;
let connection: MessageConnection;
let repo: string;
const published = new Map<string, Diagnostic[]>();
const waiting: (() => void)[] = [];

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'succession-editor-'));
  // As after `npm install --save-dev succession` in the repository: the modelines point into it.
  cpSync(join(ROOT, 'schemas'), join(repo, 'node_modules/succession/schemas'), { recursive: true });
  const init = run(['init', repo]);
  expect(init.status, init.stderr).toBe(0);

  const bin = createRequire(import.meta.url).resolve('yaml-language-server/bin/yaml-language-server');
  server = spawn(process.execPath, [bin, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map((item) => (item.section === 'yaml' ? YAML_SETTINGS : null)),
  );
  connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: Diagnostic[] }) => {
    published.set(params.uri, params.diagnostics);
    for (const wake of waiting.splice(0)) wake();
  });
  connection.listen();
  const root = pathToFileURL(repo).href;
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: root,
    workspaceFolders: [{ uri: root, name: 'policies' }],
    capabilities: {
      workspace: { configuration: true },
      textDocument: {
        completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'] } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        publishDiagnostics: {},
      },
    },
  });
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: YAML_SETTINGS } });
});

afterAll(async () => {
  if (connection !== undefined) {
    await connection.sendRequest('shutdown').catch(() => undefined);
    await connection.sendNotification('exit').catch(() => undefined);
    connection.dispose();
  }
  server?.kill();
});

let version = 0;

/**
 * Opens `file` of the scaffolded repository with the given text: the modeline init wrote, then
 * `body`; only `body` for a file init did not write.
 */
async function open(file: string, body: string): Promise<{ uri: string; text: string }> {
  const path = join(repo, file);
  const modeline = existsSync(path) ? readFileSync(path, 'utf8').split('\n')[0]! : undefined;
  if (modeline !== undefined) expect(modeline).toMatch(/^# yaml-language-server: \$schema=\S+$/);
  const text = modeline === undefined ? body : `${modeline}\n${body}`;
  const uri = pathToFileURL(path).href;
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: ++version, text } });
  return { uri, text };
}

/** The position just after the first `marker` in `text`. */
function after(text: string, marker: string): { line: number; character: number } {
  const at = text.indexOf(marker);
  expect(at, marker).toBeGreaterThan(-1);
  const lines = text.slice(0, at + marker.length).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

interface CompletionItem {
  label: string;
  documentation?: string | { kind: string; value: string };
}

async function completionItems(uri: string, position: { line: number; character: number }): Promise<CompletionItem[]> {
  const result = await connection.sendRequest<{ items: CompletionItem[] } | CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position });
  return Array.isArray(result) ? result : result.items;
}

async function completion(uri: string, position: { line: number; character: number }): Promise<string[]> {
  return (await completionItems(uri, position)).map((i) => i.label);
}

async function hover(uri: string, position: { line: number; character: number }): Promise<string> {
  const result = await connection.sendRequest<{ contents: { kind: string; value: string } }>('textDocument/hover', { textDocument: { uri }, position });
  expect(result.contents.kind).toBe('markdown');
  return result.contents.value;
}

/** The diagnostics the server publishes for `uri` once one of them satisfies `wanted`. */
async function diagnostics(uri: string, wanted: (d: Diagnostic) => boolean): Promise<Diagnostic[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const current = published.get(uri) ?? [];
    if (current.some(wanted)) return current;
    if (Date.now() > deadline) return current;
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      setTimeout(resolve, 500);
    });
  }
}

const CLUSTER = `kind: cluster
name: shop
primary: db-01:3306
hosts:
  db-01:3306: { dc: dc1 }
  db-02:3306:
    promotion: 
    role: 
    semiSyncPriority: 100
  db 3:3306: { dc: dc1 }
`;

describe('yaml-language-server with the schemas succession init points at', () => {
  it('completes the enum values of a host', async () => {
    const { uri, text } = await open('policies/clusters/example.yaml', CLUSTER);
    expect(await completion(uri, after(text, 'promotion: '))).toEqual(['prefer', 'neutral', 'prefer_not', 'must_not']);
    expect(await completion(uri, after(text, 'role: '))).toEqual(['backup', 'reporting', 'olap', 'dev', 'delayed']);
  });

  it('explains each value in the completion list', async () => {
    const { uri, text } = await open('policies/clusters/example.yaml', CLUSTER);
    const items = await completionItems(uri, after(text, 'promotion: '));
    const promotion = POLICY.$defs.host.properties.promotion as { enum: string[]; markdownEnumDescriptions: string[] };
    expect(items.map((i) => i.documentation)).toEqual(promotion.markdownEnumDescriptions.map((value) => ({ kind: 'markdown', value })));
  });

  it('shows the Markdown description of a key on hover', async () => {
    const { uri, text } = await open('policies/clusters/example.yaml', CLUSTER);
    const priority = await hover(uri, after(text, '    semiSync'));
    expect(priority).toContain(POLICY.$defs.host.properties.semiSyncPriority.markdownDescription);
    const primary = await hover(uri, after(text, 'prim'));
    expect(POLICY.properties.primary.markdownDescription).toContain('`succession check`');
    expect(primary).toContain(POLICY.properties.primary.markdownDescription);
  });

  it('reports an invalid host key with the readable message, not the regular expression', async () => {
    const { uri, text } = await open('policies/clusters/example.yaml', CLUSTER);
    const message = POLICY.$defs.hostKey.patternErrorMessage as string;
    const found = await diagnostics(uri, (d) => d.message === message);
    const atKey = found.filter((d) => d.message === message);
    expect(atKey.map((d) => d.range.start)).toEqual([{ line: after(text, 'db 3').line, character: 2 }]);
    expect(found.map((d) => d.message).join('\n')).not.toContain('[0-9A-Fa-f');
  });

  it('finds the schema of a file without a modeline through the yaml.schemas setting', async () => {
    const { uri, text } = await open('policies/clusters/other.yaml', CLUSTER);
    expect(text.startsWith('kind: cluster')).toBe(true);
    expect(await completion(uri, after(text, 'promotion: '))).toEqual(['prefer', 'neutral', 'prefer_not', 'must_not']);
  });

  it('follows the fleet schema into the policy schema for defaults, and explains a bad deployment name', async () => {
    const body = `kind: fleet
defaults:
  semiSync:
    enforcement: 
orchestrator:
  deployments:
    "main one": { raft: { nodes: [orc-01] } }
`;
    const { uri, text } = await open('policies/fleet.yaml', body);
    expect(await completion(uri, after(text, 'enforcement: '))).toEqual(expect.arrayContaining(['exact', 'recover-locked']));
    const message = FLEET.properties.orchestrator.properties.deployments.propertyNames.patternErrorMessage as string;
    const found = await diagnostics(uri, (d) => d.message === message);
    expect(found.filter((d) => d.message === message).map((d) => d.range.start.line)).toEqual([after(text, 'main one').line]);
  });
});
