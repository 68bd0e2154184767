/** Shared helpers of the config tests: temp dirs with config files, and error capture. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { isRivetError, type RivetError } from '../../../src/errors/index.js'

/** A temp directory; `write` creates files (and folders) in it, `remove` deletes it. */
export function tempDir(prefix = 'rivet-config-'): { dir: string; write: (rel: string, text: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    write: (rel, text) => {
      const file = join(dir, rel)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, text)
      return file
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** The RivetError thrown by `fn`; fails when it throws nothing or something else. */
export function captureError(fn: () => unknown): RivetError {
  try {
    fn()
  } catch (err) {
    if (isRivetError(err)) return err
    throw err
  }
  throw new Error('expected a RivetError, but nothing was thrown')
}

/** A minimal valid export block (YAML, indented for a list under `exports:`). */
export const ORDERS_EXPORT = `  - name: orders
    table: public.orders
    format: parquet
    destination: { type: local, path: ./out }
`
