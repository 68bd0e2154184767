import fs from 'node:fs/promises'
import path from 'node:path'
import { errnoCode } from './fs-errors.js'

/**
 * `mkdir -p`: create `dir` and its missing parents. Node 20's `fs.mkdir(dir, { recursive: true })`
 * never settles on some special file systems (a path under /proc loops between ENOENT for the
 * child and EEXIST for the parent), so the levels are created one by one: find the nearest
 * existing ancestor, then create each missing level, letting any error other than EEXIST through.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = []
  for (let current = path.resolve(dir); ; ) {
    try {
      await fs.stat(current)
      break
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err
    }
    missing.push(current)
    const parent = path.dirname(current)
    if (parent === current) break
    current = parent
  }
  for (const level of missing.reverse()) {
    try {
      await fs.mkdir(level)
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err
    }
  }
  // an existing non-directory at `dir` (or a parent) surfaces here as ENOTDIR
  const stat = await fs.stat(dir)
  if (!stat.isDirectory()) throw Object.assign(new Error(`${dir} exists and is not a directory`), { code: 'ENOTDIR' })
}
