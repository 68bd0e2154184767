import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Total size of the regular files under `dir`, recursively. */
export function dirSize(dir: string): number {
  let total = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) total += dirSize(p)
    else if (e.isFile()) total += statSync(p).size
  }
  return total
}
