import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { RivetError } from '../errors/index.js'
import { openExistingState } from '../state/index.js'
import type { StateStore } from '../state/index.js'

/**
 * Open the state store of a config for reading; null when no run was ever recorded
 * (reading commands never create a state file; with RIVET_STATE_URL they connect, and create nothing).
 */
export function openStateForConfig(configPath: string): StateStore | null {
  const absolute = resolve(configPath)
  if (!existsSync(absolute)) throw new RivetError('RIVET_CONFIG_NOT_FOUND', `config file ${absolute} does not exist`)
  return openExistingState(absolute)
}

/** Check that the config defines an export of this name; throws RIVET_EXPORT_NOT_FOUND with a near miss. */
export async function requireExportName(configPath: string, exportName: string): Promise<void> {
  const { loadConfig, selectExports } = await import('../config/index.js')
  selectExports(loadConfig(configPath), [exportName])
}
