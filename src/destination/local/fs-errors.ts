import { RivetError } from '../../errors/index.js'

/** The errno code of a Node fs error, if any. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

function hintFor(code: string | undefined, target: string): string | undefined {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `the user running rivet cannot write to ${target}: grant write permission or change the destination path`
    case 'EROFS':
      return `${target} is on a read-only filesystem: choose another destination path`
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left (or quota exceeded) for ${target}: free some space or choose another destination path`
    case 'ENOTDIR':
    case 'EEXIST':
      return `a component of ${target} is a file, not a directory: change the destination path`
    case 'ENAMETOOLONG':
      return `the path ${target} is too long for the filesystem: shorten the destination path or export name`
    default:
      return undefined
  }
}

/** Translate a filesystem error at the destination into RIVET_DEST_WRITE, keeping the original as cause. */
export function toDestWriteError(err: unknown, action: string, target: string): RivetError {
  const code = errnoCode(err)
  const message = err instanceof Error ? err.message : String(err)
  return new RivetError('RIVET_DEST_WRITE', `cannot ${action} ${target}: ${message}`, {
    hint: hintFor(code, target),
    details: { path: target, action, ...(code ? { errno: code } : {}) },
    cause: err,
  })
}
