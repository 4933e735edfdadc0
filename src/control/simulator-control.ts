/** What the control API needs from a built-in radar simulator. */
export interface SimulatorStatus {
  running: boolean
  httpPort: number
  rtspPort: number
  user: string
  scenario: string
  seed: number
  faults: string[]
  [more: string]: unknown
}

export interface SimulatorControl {
  status: () => SimulatorStatus
  setScenario: (nameOrPath: string, seed?: number) => Promise<void>
  /** Throws with a clear message on a bad spec; nothing changes then. */
  setFaults: (specs: string[]) => void
  start: () => Promise<void>
  stop: () => Promise<void>
}
