/**
 * Moving a 16 MB ArrayBuffer between worker_threads: transferred (transferList) vs copied
 * (structured clone). Each sample is a round trip main → worker → main, the worker echoing
 * the buffer the same way it came; the figure is the median time of one round trip.
 *
 *   node dist/native-bench/worker-transfer.js [--runs 5]
 */
import { Worker } from 'node:worker_threads'
import { emit, median, runsFromArgs, type BenchResult } from './lib/harness.js'

const SIZE = 16 * 1024 * 1024
const ROUND_TRIPS = 20
const runs = runsFromArgs()

const ECHO = `
const { parentPort } = require('node:worker_threads')
parentPort.on('message', (m) => {
  if (m.transfer) parentPort.postMessage(m, [m.buf])
  else parentPort.postMessage(m)
})`

function roundTrip(w: Worker, msg: { buf: ArrayBuffer | null; transfer: boolean }): Promise<{ buf: ArrayBuffer | null }> {
  return new Promise((resolve) => {
    w.once('message', resolve)
    if (msg.transfer && msg.buf) w.postMessage(msg, [msg.buf])
    else w.postMessage(msg)
  })
}

async function measure(w: Worker, transfer: boolean, size: number): Promise<number> {
  let buf: ArrayBuffer | null = size > 0 ? new ArrayBuffer(size) : null
  if (buf) new Uint8Array(buf).fill(7) // touch the pages so the copy case copies real memory
  const perRun: number[] = []
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now()
    for (let i = 0; i < ROUND_TRIPS; i++) buf = (await roundTrip(w, { buf, transfer })).buf
    if (r > 0) perRun.push((performance.now() - t0) / ROUND_TRIPS) // r = 0 is the warm-up
  }
  return median(perRun)
}

const w = new Worker(ECHO, { eval: true })
const note = `${SIZE / 1048576} MiB, ${ROUND_TRIPS} round trips per run`
const empty = await measure(w, false, 0)
const moved = await measure(w, true, SIZE)
const copied = await measure(w, false, SIZE)
await w.terminate()
const results: BenchResult[] = [
  { bench: 'worker-transfer', case: 'empty message round trip (baseline)', value: empty * 1000, unit: 'µs/round trip', runs, note: 'no payload' },
  { bench: 'worker-transfer', case: 'ArrayBuffer transferred (transferList)', value: moved * 1000, unit: 'µs/round trip', runs, note },
  { bench: 'worker-transfer', case: 'ArrayBuffer copied (structured clone)', value: copied * 1000, unit: 'µs/round trip', runs, note: `${note}; ${((2 * SIZE) / 1e9 / (copied / 1000)).toFixed(2)} GB/s copied` },
]
emit(results)
