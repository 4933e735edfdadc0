// Bundles the two command-line programs (src/cli/camera.ts, src/cli/radar-sim.ts)
// into single files, dist/cli/camera.js and dist/cli/radar-sim.js, with esbuild.
//
// Why: Node spends most of a cold start loading modules (several hundred files: ours,
// TypeBox, Fastify, ajv, ...); one file starts in about 40 % less time
// (bench/README.md, "Startup"). tsc still emits the rest of dist/ (the
// library modules the benchmarks import); src/cli is excluded from it.
//
// Kept outside the bundle: pino and pino-pretty (pino's transports run
// pino-pretty in a worker that loads files from node_modules by name), and
// ws's optional native add-ons. CommonJS dependencies get a real `require`
// (createRequire) for the Node built-ins they load.
import { build } from 'esbuild'
import { chmod } from 'node:fs/promises'

for (const name of ['camera', 'radar-sim']) {
  const outfile = `dist/cli/${name}.js`
  await build({
    entryPoints: [`src/cli/${name}.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['pino', 'pino-pretty', 'bufferutil', 'utf-8-validate'],
    banner: { js: "import { createRequire as __rpeCreateRequire } from 'node:module'; const require = __rpeCreateRequire(import.meta.url);" },
    // Not minified: stack traces stay readable without source maps, and no
    // keepNames helper (it would run on every closure created per request).
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning'
  })
  await chmod(outfile, 0o755)
}
