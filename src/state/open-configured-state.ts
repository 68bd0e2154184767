import { existsSync } from 'node:fs'
import { defaultStatePath } from './default-path.js'
import { STATE_URL_ENV, openExistingPostgresStateStore, openPostgresStateStore, parseStateUrl } from './postgres/index.js'
import { openStateStore } from './sqlite/index.js'
import type { StateStore } from './types.js'

/** Where a config's state lives: the SQLite file next to it, or the PostgreSQL database of RIVET_STATE_URL. */
export type StateTarget =
  | { readonly kind: 'sqlite'; readonly path: string; readonly location: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly location: string }

/**
 * The state of a config: PostgreSQL when RIVET_STATE_URL is set (and not empty), else the SQLite
 * file `.rivet_state.db` next to the config. A malformed URL is RIVET_CONFIG_FORMAT; `location` never
 * holds a password.
 */
export function resolveStateTarget(configPath: string, env: NodeJS.ProcessEnv = process.env): StateTarget {
  const url = env[STATE_URL_ENV]?.trim()
  if (url) return { kind: 'postgres', url, location: parseStateUrl(url).location }
  const path = defaultStatePath(configPath)
  return { kind: 'sqlite', path, location: path }
}

/** Open (creating and migrating if needed) the state of a config, for commands that write it. */
export function openConfiguredState(configPath: string, env: NodeJS.ProcessEnv = process.env): StateStore {
  const target = resolveStateTarget(configPath, env)
  return target.kind === 'postgres' ? openPostgresStateStore(target.url) : openStateStore(target.path)
}

/**
 * Open the state of a config for reading; null when nothing was ever recorded. Creates nothing: no
 * SQLite file, no PostgreSQL schema (connecting to PostgreSQL is how it finds out).
 */
export function openExistingState(configPath: string, env: NodeJS.ProcessEnv = process.env): StateStore | null {
  const target = resolveStateTarget(configPath, env)
  if (target.kind === 'postgres') return openExistingPostgresStateStore(target.url) ?? null
  return existsSync(target.path) ? openStateStore(target.path) : null
}
