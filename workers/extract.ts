/** Extraction worker: one task = one export read end to end (see src/engine/extract-task.ts). */
export { runExtractTask as default } from '../src/engine/extract-task.js'
