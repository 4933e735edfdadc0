/**
 * The simulator's default scene loader: a scenario file (scenario/load.ts)
 * played by the scene engine (scenario/engine.ts), adapted to the RTSP
 * server's FrameSource. Each RTSP session opens its own scene, so every
 * session sees the scenario from its beginning and the same scenario + seed
 * give the same documents (apart from UtcTime) in every session and run.
 *
 * Scenario names: a bare name ("crowd") is `fixtures/scenarios/<name>.yaml`
 * of this package; anything with a path separator or a .yaml/.yml/.json
 * extension is a file path (relative to the working directory).
 */
import { existsSync } from 'node:fs'
import { extname, isAbsolute, join, resolve } from 'node:path'
import { PACKAGE_ROOT } from '../common/package-root.js'
import { loadScenario } from './scenario/load.js'
import { createScene, radarProperties } from './scenario/engine.js'
import type { Scenario } from './scenario/schema.js'
import type { FrameSource } from './rtsp-server.js'
import type { RadarScene, SceneLoader } from './radar.js'

/** fixtures/scenarios of this package (from src/, dist/ or the bundled CLI alike). */
export const FIXTURE_DIR = join(PACKAGE_ROOT, 'fixtures', 'scenarios')

/**
 * The file a scenario name or path refers to. A relative path that does not
 * exist in the working directory is tried in the package root, so that the
 * default `fixtures/scenarios/default.yaml` works from anywhere.
 */
export function scenarioPath (nameOrPath: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(nameOrPath) && !['.yaml', '.yml', '.json'].includes(extname(nameOrPath).toLowerCase())) {
    return join(FIXTURE_DIR, `${nameOrPath}.yaml`)
  }
  const here = resolve(nameOrPath)
  if (isAbsolute(nameOrPath) || existsSync(here)) return here
  const packaged = resolve(PACKAGE_ROOT, nameOrPath)
  return existsSync(packaged) ? packaged : here
}

/** A FrameSource over the scene engine: one scene per stream, advanced to each frame's time. */
export function sceneSource (scenario: Scenario, seed: number, rate: number): FrameSource {
  const periodMs = 1000 / rate
  return {
    open: () => {
      const scene = createScene(scenario, seed)
      let first = true
      return {
        objectsAt: (index: number) => {
          // Frame times are index / rate, computed (not accumulated) so they do not drift;
          // skipped frames simply advance the scene further.
          const target = index * periodMs
          if (first) {
            first = false
            const frame0 = scene.next(0, '') // the engine's first frame is at scene time 0
            if (target === 0) return frame0.objects
          }
          return scene.next(Math.max(0, target - scene.timeMs), '').objects
        }
      }
    }
  }
}

/**
 * Loads `nameOrPath` for `seed` (when `seedGiven` is false the scenario's own
 * `seed`, if any, wins) and frame `rate`.
 */
export const loadScenarioScene: SceneLoader = async (nameOrPath, seed, rate, seedGiven = true): Promise<RadarScene> => {
  const scenario = await loadScenario(scenarioPath(nameOrPath))
  const effective = seedGiven ? seed : (scenario.seed ?? seed)
  const { networkPaired: _unused, ...properties } = radarProperties(scenario)
  return { scenario: nameOrPath, seed: effective, properties, source: sceneSource(scenario, effective, rate) }
}
