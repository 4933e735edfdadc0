// Bundles the demo page's TypeScript (src/web) into dist/web with esbuild.
import { build } from 'esbuild'
import { cp, mkdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'

const entry = 'src/web/main.ts'
if (existsSync(entry)) {
  await mkdir('dist/web', { recursive: true })
  await build({ entryPoints: [entry], bundle: true, format: 'esm', target: 'es2022', outfile: 'dist/web/app.js', sourcemap: true, logLevel: 'warning' })
  for (const f of ['index.html', 'style.css']) {
    if (existsSync(`src/web/${f}`)) await cp(`src/web/${f}`, `dist/web/${f}`)
  }
}
