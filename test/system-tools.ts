/**
 * System tools some tests drive (ffprobe, Chromium): found, or installed
 * from Debian's packages when the tests run as root with apt (bounded in
 * time); otherwise a clear reason to skip.
 */
import { spawnSync } from 'node:child_process'

/** True when `check()` passes now or after `apt-get install -y <pkg>`; else why not. */
export function ensureDebianPackage (pkg: string, check: () => boolean): true | string {
  if (check()) return true
  if (process.getuid?.() !== 0) return `${pkg} is not installed and the tests do not run as root (apt-get install -y ${pkg})`
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return `${pkg} is not installed and apt-get is not available`
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = (): boolean => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'ignore', timeout: 300_000, env }).status === 0
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 180_000, env })
    if (!install()) return `${pkg} is not installed and \`apt-get install -y ${pkg}\` failed (offline?)`
  }
  return check() ? true : `${pkg} was installed but does not run`
}

/** Runs `cmd args` and says whether it exited 0. */
export const runs = (cmd: string, args: string[] = ['--version']): boolean =>
  spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 }).status === 0
