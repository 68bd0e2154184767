import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { RivetError } from '../errors/index.js'

/**
 * Path of a compiled worker entry. From the build (dist/src/engine) the workers sit at
 * dist/workers; when this module runs from source (tests), fall back to the build output.
 */
export function resolveWorkerFile(name: 'extract' | 'encode'): string {
  const candidates = [new URL(`../../workers/${name}.js`, import.meta.url), new URL(`../../dist/workers/${name}.js`, import.meta.url)]
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate)
    if (existsSync(path)) return path
  }
  throw new RivetError('RIVET_INTERNAL', `worker entry ${name}.js not found`, { hint: 'run `npm run build` first' })
}

/**
 * Piscina loads a worker entry with `require()` first and falls back to `import()`. On Node 20,
 * `require()` of an ES module (on by default since 20.19) can abort the whole process with a
 * fatal V8 error ("IsGraphAsync must be used on an instantiated module") when the module graph is
 * still being linked; it happened at random under load. With it switched off in the workers the
 * `require()` fails cleanly and the entry is loaded with `import()`.
 */
const WORKER_EXEC_ARGV = [...process.execArgv.filter((a) => a !== '--experimental-require-module'), '--no-experimental-require-module']

/** Thread counts of the two pools. */
export interface PoolSizes {
  readonly extractThreads: number
  readonly encodeThreads: number
}

/** Default pool sizes: one extraction thread per concurrent reader, encoders on the remaining cores (at least one). */
export function defaultPoolSizes(concurrentReaders = 1): PoolSizes {
  const cores = availableParallelism()
  return { extractThreads: concurrentReaders, encodeThreads: Math.max(1, Math.min(4, cores - 1)) }
}

/** The worker pools of one process: extraction workers and encoder workers. */
export class EnginePools {
  readonly extract: Piscina
  readonly encode: Piscina

  constructor(sizes: PoolSizes) {
    // started with the pool, so worker start-up overlaps the catalog work instead of following it
    // one extraction thread starts at once; more (chunked parallel reads) start when tasks wait
    this.extract = new Piscina({ filename: resolveWorkerFile('extract'), minThreads: 1, maxThreads: sizes.extractThreads, idleTimeout: 1000, execArgv: WORKER_EXEC_ARGV })
    this.encode = new Piscina({ filename: resolveWorkerFile('encode'), minThreads: sizes.encodeThreads, maxThreads: sizes.encodeThreads, idleTimeout: 1000, execArgv: WORKER_EXEC_ARGV })
  }

  async close(): Promise<void> {
    await Promise.all([this.extract.close({ force: true }), this.encode.close({ force: true })])
  }
}
