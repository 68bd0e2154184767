import path from 'node:path'

/** File name of the state database, kept next to the config file. */
export const STATE_FILE_NAME = '.rivet_state.db'

/** Default state file location: `.rivet_state.db` in the directory of the config file. */
export function defaultStatePath(configPath: string): string {
  return path.join(path.dirname(path.resolve(configPath)), STATE_FILE_NAME)
}
