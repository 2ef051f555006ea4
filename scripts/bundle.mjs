// Bundles the compiled CLI (dist/) into a few files under dist/bin/: the command-line entry, the
// lint worker, and chunks the commands load on demand. Loading ~150 small modules cost Node
// about as much as the whole of a one-file lint; the bundle starts in half the time.
// mysql2 stays external: only `discover` and mysql:// topologies load it.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// why: chunk names carry content hashes; without this, every build would leave the last one's chunks behind.
rmSync('dist/bin', { recursive: true, force: true });

await build({
  entryPoints: ['dist/cli/main.js', 'dist/lint-worker.js'],
  outbase: 'dist',
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['mysql2', 'mysql2/*'],
  // why: bundled CommonJS dependencies (yaml, commander, ini) call require(); ESM has none.
  banner: { js: "import { createRequire as __succession_require } from 'node:module'; const require = __succession_require(import.meta.url);" },
  logLevel: 'warning',
});
