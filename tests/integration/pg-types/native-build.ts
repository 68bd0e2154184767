import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { createRequire } from 'node:module'
import ts from 'typescript'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const OUT = join(ROOT, 'tests', '.tmp', 'pgtypes-native')
const DIRS = ['src/arrow', 'src/source/pg/decode', 'src/source/pg/types', 'src/errors', 'src/types']

/**
 * Vitest rewrites every import into a property lookup on a module object, which makes tight
 * decode loops several times slower than under plain Node. For an honest throughput number the
 * decoder is transpiled to tests/.tmp and loaded with Node's own import().
 */
export function importNativeDecoder(): { arrow: typeof import('../../../src/arrow/index.js'); decode: typeof import('../../../src/source/pg/decode/index.js') } {
  rmSync(OUT, { recursive: true, force: true })
  for (const dir of DIRS) transpileDir(join(ROOT, dir))
  // Node's own require() loads ES modules (Node >= 20.19) without vitest's module runner
  const load = createRequire(import.meta.url)
  return { arrow: load(join(OUT, 'src/arrow/index.js')), decode: load(join(OUT, 'src/source/pg/decode/index.js')) }
}

/** Remove the transpiled files. */
export function removeNativeDecoder(): void {
  rmSync(OUT, { recursive: true, force: true })
}

function transpileDir(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) transpileDir(path)
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      const js = ts.transpileModule(readFileSync(path, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
      const target = join(OUT, relative(ROOT, path)).replace(/\.ts$/, '.js')
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, js)
    }
  }
}
