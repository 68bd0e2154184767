import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { RivetError } from '../errors/index.js'
import type { PlanFile } from './types.js'

/** Write a plan as indented JSON, atomically (temp file, then rename); returns the absolute path. */
export function writePlanFile(path: string, plan: PlanFile): string {
  const absolute = resolve(path)
  const temp = join(dirname(absolute), `.${basename(absolute)}.rivet-tmp-${process.pid}`)
  try {
    writeFileSync(temp, `${JSON.stringify(plan, null, 2)}\n`)
    renameSync(temp, absolute)
  } catch (err) {
    rmSync(temp, { force: true })
    throw new RivetError('RIVET_USAGE', `cannot write plan file ${absolute}: ${(err as Error).message}`, {
      hint: 'check that the folder exists and is writable',
      details: { file: absolute },
      cause: err,
    })
  }
  return absolute
}
