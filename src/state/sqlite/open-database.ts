import fs from 'node:fs'
import Database from 'better-sqlite3'
import { toStateError } from './errors.js'
import { migrate } from './migrate.js'

// The state file holds paths, host names and error messages: readable by its owner only.
const PRIVATE_MODE = 0o600

/** Open (creating if needed) a state database with Rivet's pragmas and an up-to-date schema. */
export function openDatabase(statePath: string): Database.Database {
  let db: Database.Database | undefined
  try {
    createPrivateFile(statePath)
    db = new Database(statePath, { timeout: 5000 })
    db.pragma('busy_timeout = 5000')
    db.pragma('journal_mode = WAL')
    // NORMAL is crash-safe in WAL mode (only power loss can drop the last commits);
    // the store raises it to FULL around the transaction that completes a run.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    migrate(db, statePath)
    restrictModes(statePath)
    return db
  } catch (err) {
    db?.close()
    throw toStateError(err, statePath, 'open')
  }
}

/** Create the file with mode 0600 before SQLite does (SQLite would use 0644 minus the umask). */
function createPrivateFile(statePath: string): void {
  try {
    fs.closeSync(fs.openSync(statePath, 'wx', PRIVATE_MODE))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}

/** chmod the database and its WAL companions, also when the file pre-existed with looser modes. */
function restrictModes(statePath: string): void {
  for (const file of [statePath, `${statePath}-wal`, `${statePath}-shm`]) {
    try {
      fs.chmodSync(file, PRIVATE_MODE)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // Companions may not exist yet; a file owned by another user cannot be chmod-ed but may be usable.
      if (code !== 'ENOENT' && code !== 'EPERM') throw err
    }
  }
}
