/** Encoder worker: one task = one Arrow IPC batch encoded to Parquet or CSV (see src/engine/encode-task.ts). */
export { runEncodeTask as default } from '../src/engine/encode-task.js'
