import { RivetError } from '../errors/index.js'

/** `--connection-cap` (set by a parent run for its export processes): a positive whole number. */
export function parseConnectionCap(text: string): number {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < 1) {
    throw new RivetError('RIVET_USAGE', `--connection-cap must be a whole number of connections, 1 or more, got "${text}"`)
  }
  return value
}
