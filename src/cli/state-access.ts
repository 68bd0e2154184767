import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { RivetError } from '../errors/index.js'
import { defaultStatePath, openStateStore } from '../state/index.js'
import type { StateStore } from '../state/index.js'

/**
 * Open the state store of a config for reading; null when no run was ever recorded
 * (reading commands never create a state file).
 */
export function openStateForConfig(configPath: string): StateStore | null {
  const absolute = resolve(configPath)
  if (!existsSync(absolute)) throw new RivetError('RIVET_CONFIG_NOT_FOUND', `config file ${absolute} does not exist`)
  const statePath = defaultStatePath(absolute)
  if (!existsSync(statePath)) return null
  return openStateStore(statePath)
}

/** Check that the config defines an export of this name; throws RIVET_EXPORT_NOT_FOUND with a near miss. */
export async function requireExportName(configPath: string, exportName: string): Promise<void> {
  const { loadConfig, selectExports } = await import('../config/index.js')
  selectExports(loadConfig(configPath), [exportName])
}
