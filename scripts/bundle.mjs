// Bundles the compiled CLI (tsc's output in DIR) into a few files under DIR/bin/: the command-line
// entry, the lint worker, and chunks the commands load on demand. Loading ~150 small modules cost
// Node about as much as the whole of a one-file lint; the bundle starts in half the time.
// mysql2 stays external: only `discover` and mysql:// topologies load it.
import { build } from 'esbuild';

/** Bundles `${dir}/cli/main.js` and `${dir}/lint-worker.js` into `${dir}/bin/`. */
export async function bundle(dir) {
  await build({
    entryPoints: [`${dir}/cli/main.js`, `${dir}/lint-worker.js`],
    outbase: dir,
    outdir: `${dir}/bin`,
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
}
