import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { Cli, type Definition } from 'clipanion'
import { describe, expect, it } from 'vitest'
import { createCli } from '../../../src/cli/index.js'
import { COMMAND_VALUE_KEYS, COMPLETION_SHELLS, listExportNames, OPTION_VALUE_KEYS, renderCompletionScript, type CompletionShell } from '../../../src/cli/completions/index.js'
import { realModel } from './completions-drivers.js'

const definitions: Definition[] = createCli().definitions()

/** What the test expects, read from clipanion's definitions directly (not from the completion model). */
function pathOf(d: Definition): string[] {
  return d.path.split(' ').slice(1)
}
function optionNames(d: Definition): string[] {
  return d.options.flatMap((o) => (o.definition.split(' ')[0] ?? '').split(','))
}
function takesValue(d: Definition, name: string): boolean {
  return d.options.some((o) => (o.definition.split(' ')[0] ?? '').split(',').includes(name) && o.definition.includes('#0'))
}
function positionalNames(d: Definition): string[] {
  return d.usage.split(' ').filter((t) => /^[<[]/.test(t)).map((t) => t.replace(/^[<[]|[>\]]$/g, ''))
}

/** Run the CLI in-process; stdout and stderr together (clipanion prints parse errors on stdout). */
async function runInProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const sink = (append: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) })
  const context = { ...Cli.defaultContext, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) }
  const code = await createCli().run(argv, context)
  return { code, stdout, stderr }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** How each script spells an option name. */
function optionPattern(shell: CompletionShell, name: string): RegExp {
  if (shell !== 'fish') return new RegExp(`(^|[\\s'|(])${escape(name)}(?=[\\s'|):])`, 'm')
  return name.startsWith('--') ? new RegExp(`-l '${escape(name.slice(2))}'`) : new RegExp(`-s '${escape(name.slice(1))}'`)
}

describe('completion model', () => {
  const model = realModel()

  it('has one command per registered command, with the same path', () => {
    expect(definitions.length).toBeGreaterThan(10)
    expect(model.commands.map((c) => c.path.join(' '))).toEqual(definitions.map((d) => pathOf(d).join(' ')))
  })

  it('knows every option name of every command, plus -h/--help', () => {
    for (const d of definitions) {
      const command = model.commands.find((c) => c.path.join(' ') === pathOf(d).join(' '))
      expect(command?.options.flatMap((o) => o.names).sort()).toEqual([...optionNames(d), '-h', '--help'].sort())
    }
  })

  it('completes -c/--config as a config file and -e/--export as export names wherever they appear', () => {
    let seen = 0
    for (const command of model.commands) {
      for (const option of command.options) {
        if (option.names.includes('--config') && option.value) expect(option.value.kind, command.path.join(' ')).toBe('config')
        if (option.names.includes('--export') && option.value) expect(option.value.kind, command.path.join(' ')).toBe('exports')
        if (option.names.includes('--export')) seen++
      }
    }
    expect(seen).toBeGreaterThan(5)
  })

  it('leads groups of commands (`state`) to their subcommands', () => {
    const groups = [...new Set(definitions.filter((d) => pathOf(d).length > 1).map((d) => pathOf(d)[0] ?? ''))]
    expect(groups).toContain('state')
    for (const group of groups) {
      const expected = definitions.filter((d) => pathOf(d)[0] === group && pathOf(d).length === 2).map((d) => pathOf(d)[1])
      expect(model.next.get(group)?.map((w) => w.word)).toEqual(expected)
      expect(model.next.get('')?.map((w) => w.word)).toContain(group)
    }
  })

  it('does not offer the options the scripts use internally', () => {
    const completions = model.commands.find((c) => c.path.join(' ') === 'completions')
    expect(completions?.options.flatMap((o) => o.names)).not.toContain('--list-exports')
  })
})

describe.each(COMPLETION_SHELLS)('the %s script', (shell) => {
  const script = renderCompletionScript(shell, realModel())

  it('names every registered command path', () => {
    for (const d of definitions) {
      const path = pathOf(d)
      expect(script, path.join(' ')).toContain(shell === 'fish' ? `'__rivet_using ${path.join(' ')}'` : `'${path.join(' ')}'`)
    }
  })

  it('names every option of every command', () => {
    for (const d of definitions) for (const name of optionNames(d)) expect(script, `${d.path} ${name}`).toMatch(optionPattern(shell, name))
  })

  it('offers the values of every enum-valued option and positional', () => {
    const model = realModel()
    const specs = model.commands.flatMap((c) => [...c.options.map((o) => o.value), ...c.positionals.map((p) => p.value)])
    const enums = specs.flatMap((v) => (v?.kind === 'enum' ? [v.values] : []))
    expect(enums.length).toBeGreaterThanOrEqual(5)
    for (const values of enums) {
      const list = shell === 'zsh' ? values.map((v) => `'${v}'`).join(' ') : values.join(' ')
      expect(script).toContain(list)
    }
  })
})

describe('value table', () => {
  it('names only options that take a value, or positionals, of registered commands', () => {
    for (const key of COMMAND_VALUE_KEYS) {
      const [name = '', ...reversedPath] = key.split(' ').reverse()
      const path = reversedPath.reverse().join(' ')
      const d = definitions.find((def) => pathOf(def).join(' ') === path)
      expect(d, `${key}: no command \`rivet ${path}\``).toBeDefined()
      if (!d) continue
      const ok = name.startsWith('-') ? takesValue(d, name) : positionalNames(d).includes(name)
      expect(ok, `${key}: no such option with a value, or positional`).toBe(true)
    }
    for (const long of OPTION_VALUE_KEYS) expect(definitions.some((d) => takesValue(d, long)), long).toBe(true)
  })

  // the values the table lists are the values the command accepts: feed it one it rejects and read its list
  const extraArgs: Record<string, string[]> = { 'check --target': ['--type-report'], 'init --format': ['--source', 'postgres://user@127.0.0.1:1/db'] }
  const enumOptions = realModel().commands.flatMap((c) =>
    c.options.filter((o) => o.value?.kind === 'enum').map((o) => ({ path: c.path, long: o.names.find((n) => n.startsWith('--')) ?? '', values: o.value?.kind === 'enum' ? o.value.values : [] })),
  )

  it('covers the enum-valued options', () => {
    expect(enumOptions.map((e) => `${e.path.join(' ')} ${e.long}`).sort()).toEqual(['check --target', 'init --format', 'journal --kind', 'validate --depth'])
  })

  it.each(enumOptions.map((e) => [`${e.path.join(' ')} ${e.long}`, e] as const))('lists exactly what `%s` accepts', async (key, e) => {
    const d = definitions.find((def) => pathOf(def).join(' ') === e.path.join(' '))
    const required = (d?.options ?? []).filter((o) => o.required).flatMap((o) => [(o.definition.split(' ')[0] ?? '').split(',').at(-1) ?? '', '/nonexistent/rivet.yaml'])
    const r = await runInProcess([...e.path, ...required, ...(extraArgs[key] ?? []), e.long, 'not-a-value'])
    expect(r.code).toBe(1)
    const output = `${r.stdout}${r.stderr}`
    const lists = [...output.matchAll(/(?:one of|supported \w+ is)\s+([^\n(]+)/g)]
    expect(lists.length, output).toBeGreaterThan(0)
    const accepted = (lists.at(-1)?.[1] ?? '').match(/[A-Za-z0-9_-]+/g)?.filter((w) => w !== 'or' && w !== 'and') ?? []
    expect([...accepted].sort()).toEqual([...e.values].sort())
  })
})

describe('rivet completions', () => {
  it.each(COMPLETION_SHELLS)('prints the %s script of the registered commands', async (shell) => {
    const r = await runInProcess(['completions', shell])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(renderCompletionScript(shell, realModel()))
  })

  it.each([[['completions', 'tcsh']], [['completions']]])('rejects %j with RIVET_USAGE and names the shells', async (argv) => {
    const r = await runInProcess(argv)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^\[RIVET_USAGE\]/)
    expect(r.stderr).toMatch(/hint: .*bash, zsh, fish/)
  })

  it('documents installation for each shell in its usage', async () => {
    const d = definitions.find((def) => def.path === 'rivet completions')
    for (const shell of COMPLETION_SHELLS) expect(d?.details).toContain(`rivet completions ${shell}`)
  })

  it('lists export names with --list-exports, and nothing (exit 0, no error) for an unreadable config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rivet-compl-cmd-'))
    writeFileSync(join(dir, 'rivet.yaml'), 'exports:\n  - name: orders\n  - name: customers\n')
    expect(await runInProcess(['completions', '--list-exports', '-c', join(dir, 'rivet.yaml')])).toEqual({ code: 0, stdout: 'orders\ncustomers\n', stderr: '' })
    expect(await runInProcess(['completions', '--list-exports', '-c', join(dir, 'missing.yaml')])).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(await runInProcess(['completions', '--list-exports'])).toEqual({ code: 0, stdout: '', stderr: '' })
  })
})

describe('listExportNames', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivet-compl-list-'))
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  }

  it('reads the names in order, once each, without resolving ${VAR} or the source', () => {
    const path = file('ok.yaml', 'source:\n  type: postgres\n  url: ${RIVET_COMPL_UNSET_VAR}\nexports:\n  - name: orders\n    table: orders\n  - name: Customers_2.v-1\n  - name: orders\n')
    expect(listExportNames(path)).toEqual(['orders', 'Customers_2.v-1'])
  })

  it('drops names a shell would read as code or as several words', () => {
    const path = file('unsafe.yaml', 'exports:\n  - name: "$(touch /tmp/x)"\n  - name: "a b"\n  - name: "`id`"\n  - name: 42\n  - {}\n  - name: fine\n')
    expect(listExportNames(path)).toEqual(['fine'])
  })

  it('returns nothing for a missing file, a directory, bad YAML or a config without an export list', () => {
    mkdirSync(join(dir, 'sub'), { recursive: true })
    expect(listExportNames(join(dir, 'nope.yaml'))).toEqual([])
    expect(listExportNames(join(dir, 'sub'))).toEqual([])
    expect(listExportNames(file('bad.yaml', 'exports: [\n  - name: x\n'))).toEqual([])
    expect(listExportNames(file('map.yaml', 'exports:\n  orders: {}\n'))).toEqual([])
    expect(listExportNames(file('empty.yaml', ''))).toEqual([])
    expect(listExportNames(file('dup.yaml', 'exports: []\nexports: []\n'))).toEqual([])
  })
})
