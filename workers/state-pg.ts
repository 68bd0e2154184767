/** PostgreSQL state worker: owns the state store's `pg` connection (see src/state/postgres/sync-bridge.ts). */
import { runStateWorker } from '../src/state/postgres/worker-main.js'

runStateWorker()
