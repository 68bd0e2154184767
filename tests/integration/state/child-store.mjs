// A second process using the same state as the contract suite, through the built store (dist/).
// argv[2]: JSON { spec: { kind, path | url }, action: 'lifecycle' | 'hold', exportName, runId, chunks?, hostname? }
// Prints one JSON line per step on stdout: {"step":"ready"} after opening, then the outcome.
// 'lifecycle' waits for a line on stdin before it starts, so two children can be released together.
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { createInterface } from 'node:readline'

const state = await import(new URL('../../../dist/src/state/index.js', import.meta.url).href)
const task = JSON.parse(process.argv[2])
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)

const store = task.spec.kind === 'sqlite' ? state.openStateStore(task.spec.path) : state.openPostgresStateStore(task.spec.url)
const holder = { runId: task.runId, pid: process.pid, hostname: task.hostname ?? os.hostname() }

try {
  if (task.action === 'hold') {
    store.acquireExportLock(task.exportName, holder)
    say({ step: 'held', pid: process.pid })
    // keep the lock until killed
    setInterval(() => undefined, 60_000)
  } else {
    say({ step: 'ready' })
    await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve))
    say({ step: 'done', ...lifecycle() })
    store.close()
    process.exit(0)
  }
} catch (err) {
  say({ step: 'error', code: err.code ?? null, message: err.message })
  process.exit(1)
}

/** One chunked run from lock to completion, with events, files, a shared secret and a cursor. */
function lifecycle() {
  const { exportName, runId } = task
  store.acquireExportLock(exportName, holder)
  const secret = store.ensureSecret('shared-secret', () => randomBytes(16).toString('hex'))
  store.beginRun({
    runId, exportName, startedAt: new Date(), pid: process.pid, hostname: holder.hostname, rivetVersion: 'test', configPath: '/c.yaml',
    format: 'parquet', compression: 'zstd', mode: 'chunked',
  })
  const chunks = Array.from({ length: task.chunks }, (_, index) => ({ index, lo: String(index * 10), hi: String(index * 10 + 10) }))
  store.createChunkTasks(runId, exportName, chunks)
  store.appendEvent(runId, exportName, { kind: 'plan', message: `${chunks.length} chunks` })
  for (const chunk of chunks) {
    store.startChunk(runId, chunk.index)
    const file = {
      path: `/out/${exportName}/${runId}_${chunk.index}.parquet`, fileName: `${runId}_${chunk.index}.parquet`, partIndex: chunk.index + 1,
      rows: 10, bytes: 100, xxh3: '0123456789abcdef', format: 'parquet', compression: 'zstd',
    }
    store.completeChunk(runId, chunk.index, { rows: 10, bytes: 100, files: [file] })
    store.appendEvent(runId, exportName, { kind: 'chunk', message: `chunk ${chunk.index} done`, data: { index: chunk.index } })
  }
  const cursor = { value: String(chunks.length * 10), type: 'bigint', boundaryKeys: null, boundaryComplete: true }
  store.completeRun(runId, { rows: chunks.length * 10, bytes: chunks.length * 100, filesCount: chunks.length, durationMs: 5, peakRssBytes: 1, finishedAt: new Date() }, { cursor })
  store.appendEvent(runId, exportName, { kind: 'outcome', message: 'completed' })
  store.releaseExportLock(exportName, runId)
  return { secret }
}
