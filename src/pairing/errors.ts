/** Network Radar Pairing's own error codes (spec "Errors"). */
import { defineError } from '../vapix/errors.js'

export const PairingErrors = {
  changeWhileEnabled: defineError(2200, 'Configuration cannot be changed or removed while enabled.', 200),
  missingConfiguration: defineError(2201, 'Missing configuration.', 200),
  usabilityTestFailed: defineError(2202, 'Usability test of the configuration failed.', 200)
} as const
