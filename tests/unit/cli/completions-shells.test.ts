import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Definition } from 'clipanion'
import { describe, expect, it } from 'vitest'
import { createCli } from '../../../src/cli/index.js'
import { driveBash, driveFish, driveZsh, realModel, shellAvailable, writeScript } from './completions-drivers.js'

// What the CLI registers, read from clipanion directly: a new command or option is checked without editing this file.
const definitions: Definition[] = createCli().definitions()
const paths = definitions.map((d) => d.path.split(' ').slice(1))
const optionsOf = (d: Definition) => [...d.options.flatMap((o) => (o.definition.split(' ')[0] ?? '').split(',')), '-h', '--help']
const enums = realModel().commands.flatMap((c) =>
  c.options.flatMap((o) => (o.value?.kind === 'enum' ? [{ path: c.path, names: o.names, values: o.value.values }] : [])),
)
/** Each distinct partial path (`[]`, `['state']`) with the words that follow it. */
const prefixes = [...new Set(paths.flatMap((p) => p.map((_, i) => p.slice(0, i).join(' '))))].map((prefix) => {
  const words = prefix === '' ? [] : prefix.split(' ')
  const next = [...new Set(paths.filter((p) => p.length > words.length && p.slice(0, words.length).join(' ') === prefix).map((p) => p[words.length] ?? ''))]
  return { words, next }
})

/** A folder with config files, other files and a subfolder, for file completion. */
function fileFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rivet-compl-files-'))
  for (const name of ['prod.yaml', 'dev.yml', 'plan.json', 'notes.txt']) writeFileSync(join(dir, name), 'exports: []\n')
  mkdirSync(join(dir, 'configs'))
  return dir
}

/** A stand-in for the rivet binary that answers `completions --list-exports -c FILE` with FILE's base name and two names. */
function fakeBinary(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rivet-compl-bin-'))
  const path = join(dir, 'rivet')
  writeFileSync(path, '#!/bin/sh\n[ "$1 $2 $3" = "completions --list-exports -c" ] || exit 0\necho "from-$(basename "$4")"\necho orders\necho order_lines\n')
  chmodSync(path, 0o755)
  return path
}

describe('bash completion (driven in bash)', () => {
  const script = writeScript('bash')

  it.each(prefixes.map((p) => [p.words.join(' ') || '(nothing)', p] as const))('after `rivet %s` offers exactly the next words', (_label, { words, next }) => {
    expect(driveBash(script, ['rivet', ...words, '']).sort()).toEqual([...next].sort())
  })

  it('completes a partial word: `rivet st` → state, `rivet state re` → reset, reset-chunks', () => {
    expect(driveBash(script, ['rivet', 'st'])).toEqual(paths.map((p) => p[0] ?? '').filter((w, i, all) => w.startsWith('st') && all.indexOf(w) === i))
    expect(driveBash(script, ['rivet', 'st'])).toEqual(['state'])
    expect(driveBash(script, ['rivet', 'state', 're']).sort()).toEqual(['reset', 'reset-chunks'])
  })

  it.each(definitions.map((d) => [d.path, d] as const))('offers every option of `%s` after -', (_path, d) => {
    const path = d.path.split(' ').slice(1)
    expect(driveBash(script, ['rivet', ...path, '-']).sort()).toEqual(optionsOf(d).sort())
  })

  it('offers the global options before a command', () => {
    expect(driveBash(script, ['rivet', '--']).sort()).toEqual(['--help', '--version'])
  })

  it.each(enums.map((e) => [`${e.path.join(' ')} ${e.names.join(',')}`, e] as const))('offers the values of %s', (_label, e) => {
    for (const name of e.names) expect(driveBash(script, ['rivet', ...e.path, name, ''])).toEqual([...e.values])
    // --option=value is split at "=" by bash
    const long = e.names.find((n) => n.startsWith('--')) ?? ''
    expect(driveBash(script, ['rivet', ...e.path, long, '=', ''])).toEqual([...e.values])
    expect(driveBash(script, ['rivet', ...e.path, long, '=', e.values[0]?.slice(0, 1) ?? ''])).toEqual(e.values.filter((v) => v.startsWith(e.values[0]?.slice(0, 1) ?? '')))
  })

  it('offers YAML files and folders after -c/--config, JSON plans for apply, and no file for free values', () => {
    const cwd = fileFixture()
    expect(driveBash(script, ['rivet', 'run', '-c', ''], { cwd }).sort()).toEqual(['configs', 'dev.yml', 'prod.yaml'])
    expect(driveBash(script, ['rivet', 'state', 'files', '--config', 'p'], { cwd })).toEqual(['prod.yaml'])
    expect(driveBash(script, ['rivet', 'apply', ''], { cwd }).sort()).toEqual(['configs', 'plan.json'])
    expect(driveBash(script, ['rivet', 'journal', '--run-id', ''], { cwd })).toEqual([])
  })

  it('asks the binary on the line for the export names of the config given earlier', () => {
    const bin = fakeBinary()
    expect(driveBash(script, [bin, 'run', '-c', 'prod.yaml', '-e', ''])).toEqual(['from-prod.yaml', 'orders', 'order_lines'])
    expect(driveBash(script, [bin, 'state', 'files', '--config', '=', 'dev.yml', '--export', 'order'])).toEqual(['orders', 'order_lines'])
    // the config may come after the cursor, and be quoted
    expect(driveBash(script, [bin, 'journal', '-e', '', '-c', "'my configs/prod.yaml'"], { cword: 3 })).toEqual(['from-prod.yaml', 'orders', 'order_lines'])
    // no config on the line: nothing, and the binary is not asked
    expect(driveBash(script, ['/nonexistent/rivet', 'run', '-e', ''])).toEqual([])
  })
})

describe('zsh completion', () => {
  const available = shellAvailable('zsh')
  const why = available.ok ? '' : ` — skipped: ${available.reason}`
  const script = writeScript('zsh')

  it.skipIf(!available.ok)(`parses (zsh -n) and registers _rivet after compinit${why}`, () => {
    expect(spawnSync('zsh', ['-n', script]).status).toBe(0)
    const home = mkdtempSync(join(tmpdir(), 'rivet-compl-zsh-'))
    const r = spawnSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -d ${home}/.zcompdump && source ${script} && print -- $_comps[rivet]`], { encoding: 'utf8', env: { ...process.env, HOME: home } })
    expect(r.stderr).toBe('')
    expect(r.stdout.trim()).toBe('_rivet')
  })

  it.skipIf(!available.ok)(`offers the next words after every partial path${why}`, () => {
    for (const { words, next } of prefixes) expect(driveZsh(script, ['rivet', ...words, '']).sort(), words.join(' ')).toEqual([...next].sort())
  })

  it.skipIf(!available.ok)(`offers every option of every command, the enum values and config files${why}`, () => {
    for (const d of definitions) expect(driveZsh(script, ['rivet', ...d.path.split(' ').slice(1), '-']).sort(), d.path).toEqual(optionsOf(d).sort())
    for (const e of enums) expect(driveZsh(script, ['rivet', ...e.path, e.names.at(-1) ?? '', ''])).toEqual([...e.values])
    expect(driveZsh(script, ['rivet', 'run', '--config', ''])).toEqual(['_files -g *.(yaml|yml)'])
    expect(driveZsh(script, ['rivet', 'validate', '--depth=f'])).toEqual(enums.find((e) => e.names.includes('--depth'))?.values ?? ['?'])
  })

  it.skipIf(!available.ok)(`asks the binary on the line for export names${why}`, () => {
    expect(driveZsh(script, [fakeBinary(), 'run', '--config', 'prod.yaml', '-e', ''])).toEqual(['from-prod.yaml', 'orders', 'order_lines'])
  })
})

describe('fish completion', () => {
  const available = shellAvailable('fish')
  const why = available.ok ? '' : ` — skipped: ${available.reason}`
  const script = writeScript('fish')

  it.skipIf(!available.ok)(`parses (fish --no-execute)${why}`, () => {
    const r = spawnSync('fish', ['--no-execute', script], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  it.skipIf(!available.ok)(`offers the next words after every partial path${why}`, () => {
    for (const { words, next } of prefixes) expect(driveFish(script, ['rivet', ...words, ''].join(' ')).sort(), words.join(' ')).toEqual([...next].sort())
    expect(driveFish(script, 'rivet st')).toEqual(['state'])
  })

  it.skipIf(!available.ok)(`offers every long option of every command, the enum values and config files${why}`, () => {
    for (const d of definitions) {
      const long = optionsOf(d).filter((n) => n.startsWith('--'))
      expect(driveFish(script, `rivet ${d.path.split(' ').slice(1).join(' ')} --`).sort(), d.path).toEqual(long.sort())
    }
    for (const e of enums) expect(driveFish(script, `rivet ${e.path.join(' ')} ${e.names.at(-1)} `).sort()).toEqual([...e.values].sort())
    expect(driveFish(script, 'rivet run -c ', { cwd: fileFixture() }).sort()).toEqual(['configs/', 'dev.yml', 'prod.yaml'])
  })

  it.skipIf(!available.ok)(`asks the binary on the line for export names${why}`, () => {
    const bin = fakeBinary()
    expect(driveFish(script, `${bin} run --config=prod.yaml -e `).sort()).toEqual(['from-prod.yaml', 'order_lines', 'orders'])
  })
})
