import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function readVersion(): string {
  // the nearest package.json above this module: ../ from src, ../../ from dist/src
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'package.json')
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'rivet' && pkg.version) return pkg.version
    }
    dir = dirname(dir)
  }
  return '0.0.0'
}

/** The version of this Rivet build. */
export const RIVET_VERSION = readVersion()
