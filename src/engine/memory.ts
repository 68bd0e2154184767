import v8 from 'node:v8'
import vm from 'node:vm'
import { readFileSync } from 'node:fs'

/** Samples the resident set size of the whole process (all worker threads included). */
export class RssSampler {
  private peak = process.memoryUsage.rss()
  private readonly timer: NodeJS.Timeout

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs)
    this.timer.unref()
  }

  sample(): number {
    const rss = process.memoryUsage.rss()
    if (rss > this.peak) this.peak = rss
    return rss
  }

  get peakBytes(): number {
    this.sample()
    return this.peak
  }

  stop(): number {
    clearInterval(this.timer)
    return this.peakBytes
  }
}

/**
 * Peak resident set size of the whole process so far: the kernel's high-water mark (VmHWM)
 * on Linux, which also catches spikes between samples; elsewhere the current RSS.
 */
export function processPeakRssBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)
    if (match) return Number(match[1]) * 1024
  } catch {
    // not Linux: fall through
  }
  return process.memoryUsage.rss()
}

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void

let gcFunction: GcFunction | null | undefined

/**
 * Collect garbage of the calling thread's young generation now. Every batch leaves multi-MiB
 * ArrayBuffers behind (builder buffers after serialising, encoded units after writing); V8
 * frees their memory only when it collects the tiny JS objects holding them, which it may
 * postpone until tens of MiB of external memory piled up in each thread — the peaks that
 * made peak RSS depend on run length. A scavenge costs well under a millisecond.
 */
export function releaseBatchMemory(): void {
  if (gcFunction === undefined) gcFunction = loadGc()
  gcFunction?.({ type: 'minor' })
}

function loadGc(): GcFunction | null {
  const existing = (globalThis as { gc?: GcFunction }).gc
  if (typeof existing === 'function') return existing
  try {
    // the flag is process-wide; a fresh context then exposes `gc` without a command-line switch
    v8.setFlagsFromString('--expose-gc')
    return vm.runInNewContext('gc') as GcFunction
  } catch {
    return null
  }
}

/**
 * The memory model the planner and `rivet check` share: a fixed base for the process (main
 * thread, worker isolates, the Parquet encoder's WebAssembly memory), plus per concurrent reader
 * six batches' worth (the builder, its IPC copy, three in flight, the encoder's copy).
 */
export const BASE_MEMORY_MB = 192
export const BATCH_COPIES_PER_READER = 6

/** Estimated peak RSS in MiB of a run with `readers` concurrent readers of `batchBytes`-byte batches. */
export function estimatePeakMemoryMb(batchBytes: number, readers: number): number {
  return BASE_MEMORY_MB + (batchBytes * BATCH_COPIES_PER_READER * readers) / (1024 * 1024)
}
