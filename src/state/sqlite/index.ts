export { SqliteStateStore, openStateStore } from './sqlite-state-store.js'
export { MIGRATIONS, LATEST_SCHEMA_VERSION } from './migrations.js'
export type { Migration } from './migrations.js'
