import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RIVET_BIN, runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { driveBash, driveFish, driveZsh, shellAvailable } from '../unit/cli/completions-drivers.js'

const SECRET = 'compl-e2e-Secr3t'
const CONFIG = `
source:
  type: postgres
  url: postgres://reader:${SECRET}@127.0.0.1:5432/test
  password_env: RIVET_COMPL_E2E_UNSET
exports:
  - name: compl_orders
    table: public.orders
    format: parquet
    destination: { type: local, path: ./out }
  - name: compl_customers
    query: select 1
    format: csv
    destination: { type: local, path: ./out }
  - name: "$(echo injected)"
    table: x
`

/** The script as the built CLI prints it, saved to a file. */
async function savedScript(dir: string, shell: string): Promise<string> {
  const r = await runCli(['completions', shell])
  expect(r.code).toBe(0)
  const path = join(dir, `rivet.${shell}`)
  writeFileSync(path, r.stdout)
  return path
}

describe('rivet completions (spawned)', () => {
  it.each(['bash', 'zsh', 'fish'])('prints the %s script on stdout and nothing on stderr', async (shell) => {
    const r = await runCli(['completions', shell])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain(`rivet completions ${shell}`)
    expect(r.stdout).toContain("'state files'")
  })

  it('registers the bash function when sourced', async () => {
    const script = await savedScript(tempDir('rivet-compl-e2e-'), 'bash')
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `source ${script} && complete -p rivet`], { encoding: 'utf8' })
    expect(r.stdout.trim()).toBe('complete -F _rivet rivet')
  })

  it('rejects an unknown shell with RIVET_USAGE and a hint naming bash, zsh, fish', async () => {
    const r = await runCli(['completions', 'tcsh'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^\[RIVET_USAGE\] unknown shell 'tcsh'/)
    expect(r.stderr).toMatch(/hint: use one of bash, zsh, fish/)
    const json = await runCli(['completions', 'tcsh', '--json-errors'])
    expect((JSON.parse(json.stderr) as { error: { code: string } }).error.code).toBe('RIVET_USAGE')
  })

  it('is listed in --help', async () => {
    const r = await runCli(['--help'])
    expect(r.stdout).toContain('rivet completions')
  })

  it('lists the export names of a config, one a line, never a secret or a name a shell would run', async () => {
    const dir = tempDir('rivet-compl-e2e-')
    const config = writeConfig(dir, CONFIG)
    const r = await runCli(['completions', '--list-exports', '-c', config])
    expect(r).toMatchObject({ code: 0, stdout: 'compl_orders\ncompl_customers\n', stderr: '' })
    expect(r.stdout).not.toContain(SECRET)
  })

  it.each([
    ['a missing file', (dir: string) => join(dir, 'missing.yaml')],
    ['a directory', (dir: string) => (mkdirSync(join(dir, 'sub')), join(dir, 'sub'))],
    ['broken YAML', (dir: string) => writeConfig(dir, `source: { url: "postgres://u:${SECRET}@h/db"\nexports: [`)],
    ['/dev/null', () => '/dev/null'],
  ])('prints nothing and exits 0 for %s', async (_label, make) => {
    const r = await runCli(['completions', '--list-exports', '-c', make(tempDir('rivet-compl-e2e-'))])
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' })
  })

  it('completes export names in bash from the config given earlier on the line', async () => {
    const dir = tempDir('rivet-compl-e2e-')
    const script = await savedScript(dir, 'bash')
    writeConfig(dir, CONFIG)
    expect(driveBash(script, [RIVET_BIN, 'run', '-c', 'rivet.yaml', '-e', ''], { cwd: dir })).toEqual(['compl_orders', 'compl_customers'])
    expect(driveBash(script, [RIVET_BIN, 'journal', '--config', '=', 'rivet.yaml', '--export', 'compl_c'], { cwd: dir })).toEqual(['compl_customers'])
    expect(driveBash(script, [RIVET_BIN, 'run', '-c', 'missing.yaml', '-e', ''], { cwd: dir })).toEqual([])
  })

  const zsh = shellAvailable('zsh')
  it.skipIf(!zsh.ok)(`completes export names in zsh${zsh.ok ? '' : ` — skipped: ${zsh.reason}`}`, async () => {
    const dir = tempDir('rivet-compl-e2e-')
    const script = await savedScript(dir, 'zsh')
    writeConfig(dir, CONFIG)
    expect(driveZsh(script, [RIVET_BIN, 'state', 'files', '-c', 'rivet.yaml', '-e', ''], { cwd: dir })).toEqual(['compl_orders', 'compl_customers'])
  })

  const fish = shellAvailable('fish')
  it.skipIf(!fish.ok)(`completes export names in fish${fish.ok ? '' : ` — skipped: ${fish.reason}`}`, async () => {
    const dir = tempDir('rivet-compl-e2e-')
    const script = await savedScript(dir, 'fish')
    writeConfig(dir, CONFIG)
    expect(driveFish(script, `${RIVET_BIN} validate -c rivet.yaml -e `, { cwd: dir }).sort()).toEqual(['compl_customers', 'compl_orders'])
  })
})
