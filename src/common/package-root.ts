/**
 * This package's root directory (where package.json, fixtures/ and dist/web
 * live), found by walking up from this module: the same answer from src/
 * under tsx, from dist/ as tsc emits it, and from the bundled CLIs in
 * dist/cli/ (scripts/build-cli.mjs), whose modules all share one file.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function findPackageRoot (fromUrl: string): string {
  let dir = dirname(fileURLToPath(fromUrl))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(fromUrl)}`)
    dir = up
  }
}

export const PACKAGE_ROOT = findPackageRoot(import.meta.url)
