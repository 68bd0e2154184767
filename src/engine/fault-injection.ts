import { RivetError } from '../errors/index.js'

/**
 * Crash points for the crash-safety tests. `RIVET_TEST_PANIC_AT=<point>` kills the process with
 * SIGKILL when the run reaches that point — no cleanup, no state update, as a power cut or an OOM
 * kill would — so the tests can check that a rerun or `--resume` loses nothing. Unset, every
 * check is one comparison against undefined.
 */
export const PANIC_POINTS = ['after_source_read', 'after_file_write', 'after_manifest_update', 'after_cursor_commit'] as const
/** Points that name a chunk: `after_chunk_file:3` fires after chunk 3's files are published. */
export const CHUNK_PANIC_POINTS = ['after_chunk_file', 'after_chunk_complete'] as const

export type PanicPoint = (typeof PANIC_POINTS)[number] | (typeof CHUNK_PANIC_POINTS)[number]

const ENV = 'RIVET_TEST_PANIC_AT'

let parsed: { readonly point: PanicPoint; readonly chunk: number | null } | null | undefined

/** The point the environment asks for, or null; a malformed value is a usage error (a typo must not pass silently). */
export function panicTarget(value = process.env[ENV]): { readonly point: PanicPoint; readonly chunk: number | null } | null {
  if (value === undefined || value === '') return null
  const match = /^([a-z_]+)(?::(\d+))?$/.exec(value)
  const name = match?.[1]
  if (match !== null && (PANIC_POINTS as readonly string[]).includes(name!) && match[2] === undefined) return { point: name as PanicPoint, chunk: null }
  if (match !== null && (CHUNK_PANIC_POINTS as readonly string[]).includes(name!) && match[2] !== undefined) return { point: name as PanicPoint, chunk: Number(match[2]) }
  throw new RivetError('RIVET_USAGE', `${ENV}=${value} is not a crash point`, {
    hint: `use one of ${PANIC_POINTS.join(', ')}, or ${CHUNK_PANIC_POINTS.map((p) => `${p}:N`).join(', ')} (N = chunk index), or unset it`,
  })
}

/** Check the environment once, before a run starts (so a bad value fails fast, not halfway). */
export function checkPanicEnvironment(): void {
  parsed ??= panicTarget()
}

/** Kill the process here if the environment names this point (and chunk). */
export function panicPoint(point: PanicPoint, chunk?: number): void {
  if (process.env[ENV] === undefined) return
  parsed ??= panicTarget()
  if (parsed === null || parsed.point !== point) return
  if (parsed.chunk !== null && parsed.chunk !== chunk) return
  process.stderr.write(`rivet: ${ENV}=${process.env[ENV]}: killing the process (SIGKILL)\n`)
  process.kill(process.pid, 'SIGKILL')
}
