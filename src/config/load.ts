/**
 * Load a config file: YAML (with positions for messages) → `${VAR}` interpolation → schema
 * validation → cross-field checks → resolution. Every problem is collected and thrown at once.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import { RivetError } from '../errors/index.js'
import { CONFIG_CHECKS } from './checks.js'
import { INVALID, isMapping } from './clean-tree.js'
import { deepFreeze } from './deep-freeze.js'
import { interpolateTree } from './interpolate.js'
import { ConfigIssues, type ConfigPath, type SourcePosition } from './issues.js'
import { resolveTree } from './resolve.js'
import { CONFIG_SCHEMA } from './schema.js'
import type { ResolvedConfig } from './types.js'
import { validateTree } from './validate.js'

/** Options of parseConfig. */
export interface ParseConfigOptions {
  /** Path of the file the text came from; relative paths inside resolve against its directory. */
  readonly configPath: string
  /** Environment for `${VAR}`, `url_env` and `password_env`; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv
}

/** Options of loadConfig. */
export interface LoadConfigOptions {
  readonly env?: NodeJS.ProcessEnv
}

/** The position of the key (for map entries) or item (for list entries) a path names. */
function locator(doc: Document, lines: LineCounter): (path: ConfigPath) => SourcePosition | undefined {
  return (path) => {
    let node: unknown = doc.contents
    let offset: number | undefined = (node as Node | null)?.range?.[0]
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg))
        if (!pair) break
        offset = (pair.key as Node).range?.[0] ?? offset
        node = pair.value
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg]
        offset = (node as Node).range?.[0] ?? offset
      } else break
    }
    if (offset === undefined) return undefined
    const pos = lines.linePos(offset)
    return { line: pos.line, column: pos.col }
  }
}

/** Parse YAML; syntax errors become RIVET_CONFIG_YAML without the offending text (it may hold a secret). */
function parseYaml(text: string, file: string): { doc: Document; lines: LineCounter; raw: unknown } {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const error = doc.errors[0]
  if (error) {
    const pos = lines.linePos(error.pos[0])
    const reason = error.message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '').replace(/:$/, '')
    const lineText = text.split(/\r?\n/)[pos.line - 1] ?? ''
    // a plain value with braces inside `{ ... }` is the classic trap: `path: ./out/{export}` must be quoted there
    const hint = /\{.*\{/.test(lineText) ? 'inside { ... }, quote values that contain { } [ ] or , — for example path: "./out/{export}/{date}"' : undefined
    throw new RivetError('RIVET_CONFIG_YAML', `${file}:${pos.line}:${pos.col}: ${reason}`, {
      ...(hint ? { hint } : {}),
      details: { file, line: pos.line, column: pos.col, yamlCode: error.code },
    })
  }
  try {
    return { doc, lines, raw: doc.toJS({ maxAliasCount: 1000 }) }
  } catch (err) {
    // alias bombs and similar are reported by toJS only; the message names no values
    throw new RivetError('RIVET_CONFIG_YAML', `${file}: ${(err as Error).message.split('\n')[0]}`, { details: { file } })
  }
}

/** Parse and resolve config text; throws RIVET_CONFIG_YAML or RIVET_CONFIG_INVALID (with every problem as an item). */
export function parseConfig(text: string, options: ParseConfigOptions): ResolvedConfig {
  const configPath = resolve(options.configPath)
  const configDir = dirname(configPath)
  const env = options.env ?? process.env
  const { doc, lines, raw } = parseYaml(text, configPath)
  const issues = new ConfigIssues(locator(doc, lines))
  if (!isMapping(raw)) {
    const what = raw === null || raw === undefined ? 'the file is empty' : 'the top level must be a mapping with source: and exports:'
    issues.add('RIVET_CONFIG_INVALID', [], `${what}`, 'start from the example in docs/configuration.md')
    issues.throwIfAny(configPath)
  }
  const { tree, substituted } = interpolateTree(raw, env, issues)
  const clean = validateTree(CONFIG_SCHEMA, tree, issues, substituted)
  if (clean === INVALID) {
    issues.throwIfAny(configPath)
    throw new RivetError('RIVET_INTERNAL', `config ${configPath} failed validation without a reported problem`)
  }
  for (const check of CONFIG_CHECKS) check(clean, issues)
  const resolved = resolveTree(clean, configPath, configDir, { issues, env, configDir })
  issues.throwIfAny(configPath)
  if (!resolved) throw new RivetError('RIVET_INTERNAL', `config ${configPath} could not be resolved, yet no problem was reported`)
  return deepFreeze(resolved)
}

/** Read, parse and resolve a config file; throws RIVET_CONFIG_NOT_FOUND when it cannot be read. */
export function loadConfig(path: string, options: LoadConfigOptions = {}): ResolvedConfig {
  const configPath = resolve(path)
  let text: string
  try {
    text = readFileSync(configPath, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`
    throw new RivetError('RIVET_CONFIG_NOT_FOUND', `config file ${configPath} ${reason}`, { details: { file: configPath }, cause: err })
  }
  return parseConfig(text, { configPath, ...(options.env ? { env: options.env } : {}) })
}
