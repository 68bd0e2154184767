/**
 * Table-driven test over tests/fixtures/configs/invalid/*.yaml. Each fixture states in its header
 * what it must produce:
 *   # expect: RIVET_CONFIG_XXX at path        (one line per expected item; the list must match exactly)
 *   # message: text                           (the previous expected item's message contains text)
 *   # not-message: text                       (the previous expected item's message lacks text)
 *   # expect-error: RIVET_CONFIG_YAML at line N   (a top-level error instead of items)
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isRivetError, type RivetError } from '../../../src/errors/index.js'
import { parseConfig } from '../../../src/config/index.js'

const DIR = fileURLToPath(new URL('../../fixtures/configs/invalid/', import.meta.url))
const ENV = { RIVET_FIXTURE_SET: 'set' }

interface Expected {
  code: string
  path: string
  includes: string[]
  excludes: string[]
}

function readHeader(text: string): { items: Expected[]; error?: { code: string; line: number } } {
  const items: Expected[] = []
  let error: { code: string; line: number } | undefined
  for (const line of text.split('\n')) {
    let m = /^# expect: (\S+) at (.+?)\s*$/.exec(line)
    if (m) { items.push({ code: m[1], path: m[2], includes: [], excludes: [] }); continue }
    m = /^# (not-)?message: (.+?)\s*$/.exec(line)
    if (m) { (m[1] ? items[items.length - 1].excludes : items[items.length - 1].includes).push(m[2]); continue }
    m = /^# expect-error: (\S+) at line (\d+)\s*$/.exec(line)
    if (m) error = { code: m[1], line: Number(m[2]) }
  }
  return { items, ...(error ? { error } : {}) }
}

function parseError(file: string, text: string): RivetError {
  try {
    parseConfig(text, { configPath: join(DIR, file), env: ENV })
  } catch (err) {
    if (isRivetError(err)) return err
    throw err
  }
  throw new Error(`${file} was accepted`)
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()

describe('invalid config fixtures', () => {
  it('form a corpus that covers every item code', () => {
    const codes = new Set(files.flatMap((f) => readHeader(readFileSync(join(DIR, f), 'utf8')).items.map((i) => i.code)))
    expect(files.length).toBeGreaterThanOrEqual(25)
    expect([...codes].sort()).toEqual([
      'RIVET_CONFIG_CONFLICT',
      'RIVET_CONFIG_DUPLICATE_EXPORT',
      'RIVET_CONFIG_ENUM',
      'RIVET_CONFIG_ENV_MISSING',
      'RIVET_CONFIG_FILE_UNREADABLE',
      'RIVET_CONFIG_FORMAT',
      'RIVET_CONFIG_INVALID',
      'RIVET_CONFIG_MISSING',
      'RIVET_CONFIG_RANGE',
      'RIVET_CONFIG_TYPE',
      'RIVET_CONFIG_UNKNOWN_KEY',
    ])
  })

  it.each(files)('%s', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8')
    const header = readHeader(text)
    const err = parseError(file, text)
    if (header.error) {
      expect(err.code).toBe(header.error.code)
      expect(err.details.line).toBe(header.error.line)
      return
    }
    expect(header.items.length, 'fixture has no # expect: line').toBeGreaterThan(0)
    expect(err.code).toBe('RIVET_CONFIG_INVALID')
    const n = header.items.length
    expect(err.message).toBe(`${n} ${n === 1 ? 'problem' : 'problems'} in ${join(DIR, file)}`)
    const actual = err.items.map((i) => `${i.code} at ${i.path}`).sort()
    expect(actual).toEqual(header.items.map((i) => `${i.code} at ${i.path}`).sort())
    for (const want of header.items) {
      const item = err.items.find((i) => i.code === want.code && i.path === want.path)
      for (const text of want.includes) expect(item?.message).toContain(text)
      for (const text of want.excludes) expect(item?.message).not.toContain(text)
      expect(item?.hint).toBeTruthy()
    }
  })

  it('points each item of ten-mistakes.yaml at its line', () => {
    const text = readFileSync(join(DIR, 'ten-mistakes.yaml'), 'utf8')
    const err = parseError('ten-mistakes.yaml', text)
    expect(err.items).toHaveLength(10)
    const lines = text.split('\n')
    for (const item of err.items as readonly { path: string; line?: number }[]) {
      const key = /([A-Za-z_]+)$/.exec(item.path)?.[1] as string
      expect(item.line, item.path).toBeGreaterThan(11)
      expect(lines[(item.line as number) - 1], item.path).toContain(key)
    }
    const lineNumbers = (err.items as readonly { line?: number }[]).map((i) => i.line as number)
    expect(lineNumbers).toEqual([...lineNumbers].sort((a, b) => a - b))
  })
})
