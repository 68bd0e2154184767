/**
 * Slack notifications from the spawned CLI against the local PostgreSQL, posted to a local HTTP
 * receiver: failures, schema changes, degraded checks, event filtering, and an unreachable
 * webhook that changes neither the exit code nor the files, and is never printed.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, pgAvailable, withPg } from '../helpers/db.js'
import { startHttpReceiver, unreachableUrl, type HttpReceiver } from '../helpers/http-receiver.js'

const hasPg = await pgAvailable()
const MARKER = 'nt-hook-marker-d41f'
const HOOK_PATH = `/services/T0E2E/B0E2E/${MARKER}`
const dirs: string[] = []
let receiver: HttpReceiver

interface SlackBody {
  text: string
  blocks: { type: string; text?: { text: string } }[]
}

beforeAll(async () => {
  receiver = await startHttpReceiver()
  if (!hasPg) return
  await withPg(async (c) => {
    await c.query('DROP TABLE IF EXISTS nt_ok, nt_drift, nt_big, nt_missing')
    await c.query('CREATE TABLE nt_ok (id int PRIMARY KEY, name text)')
    await c.query("INSERT INTO nt_ok SELECT g, 'n' || g FROM generate_series(1, 50) g")
    // large enough that a read without an index is Degraded (rivet check), small enough to be quick
    await c.query("CREATE TABLE nt_big AS SELECT g AS id, now() - g * interval '1 second' AS updated_at FROM generate_series(1, 150000) g")
    await c.query('ANALYZE nt_big')
  })
}, 120_000)

afterAll(async () => {
  await receiver.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  if (hasPg) await withPg((c) => c.query('DROP TABLE IF EXISTS nt_ok, nt_drift, nt_big'))
})

let firstRequest = 0
beforeEach(() => {
  firstRequest = receiver.requests.length
})
const posted = (): SlackBody[] => receiver.requests.slice(firstRequest).map((r) => JSON.parse(r.body) as SlackBody)
const blockText = (body: SlackBody): string => body.blocks.map((b) => b.text?.text ?? '').join('\n')

const exp = (name: string, table: string, extra = '') => `  - name: ${name}\n    table: public.${table}\n    format: csv\n    destination: { type: local, path: ./out/${name} }\n${extra}`

function setup(exportsYaml: string, slack = ''): { dir: string; cfg: string } {
  const dir = tempDir('rivet-notify-')
  dirs.push(dir)
  const cfg = writeConfig(dir, `source:\n  type: postgres\n  url: ${PG_URL}\nexports:\n${exportsYaml}notifications:\n  slack:\n    webhook_url_env: RIVET_TEST_SLACK_HOOK\n${slack}`)
  return { dir, cfg }
}

const hook = () => ({ RIVET_TEST_SLACK_HOOK: `${receiver.baseUrl}${HOOK_PATH}` })

describe.skipIf(!hasPg)('notifications (spawned CLI, PostgreSQL)', () => {
  it('a failing export (missing table) posts one message naming the export and the code', async () => {
    const { cfg } = setup(exp('fine', 'nt_ok') + exp('broken', 'nt_missing') + exp('broken_too', 'nt_missing_too'))
    const run = await runCli(['run', '-c', cfg], { env: hook() })
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).not.toContain('RIVET_NOTIFY_FAILED')
    const bodies = posted()
    // batched: two failures, one message
    expect(bodies).toHaveLength(1)
    expect(receiver.requests[firstRequest]!.path).toBe(HOOK_PATH)
    const [body] = bodies
    expect(body!.text).toContain('Rivet run on')
    expect(body!.text).toContain('broken failed: RIVET_SOURCE_NOT_FOUND')
    expect(body!.text).toContain('broken_too failed: RIVET_SOURCE_NOT_FOUND')
    expect(blockText(body!)).toContain('*broken* failed — `RIVET_SOURCE_NOT_FOUND`')
    expect(blockText(body!)).toContain('nt_missing')
    expect(blockText(body!)).not.toContain('*fine*')
    expect(JSON.stringify(body)).not.toContain(PG_URL)
  })

  it('with --parallel-export-processes the parent posts the one message; the export processes post none', async () => {
    const { cfg } = setup(exp('fine', 'nt_ok') + exp('broken', 'nt_missing') + exp('broken_too', 'nt_missing_too'))
    const run = await runCli(['run', '-c', cfg, '--parallel-export-processes'], { env: hook() })
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toMatch(/running 3 exports at once, one process each/)
    const bodies = posted()
    expect(bodies).toHaveLength(1)
    expect(bodies[0]!.text).toContain('broken failed: RIVET_SOURCE_NOT_FOUND')
    expect(bodies[0]!.text).toContain('broken_too failed: RIVET_SOURCE_NOT_FOUND')
  })

  it('a run with schema drift posts a schema_change message listing the column and the policy', async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS nt_drift')
      await c.query('CREATE TABLE nt_drift (id int PRIMARY KEY, name text)')
      await c.query("INSERT INTO nt_drift VALUES (1, 'a'), (2, 'b')")
    })
    const { cfg } = setup(exp('drifty', 'nt_drift'))
    const first = await runCli(['run', '-c', cfg], { env: hook() })
    expect(first.code, first.stderr).toBe(0)
    expect(posted(), 'a first run has nothing to compare with').toHaveLength(0)
    await withPg((c) => c.query('ALTER TABLE nt_drift ADD COLUMN extra_col numeric(12,2)'))
    const second = await runCli(['run', '-c', cfg], { env: hook() })
    expect(second.code, second.stderr).toBe(0)
    const bodies = posted()
    expect(bodies).toHaveLength(1)
    const text = blockText(bodies[0]!)
    expect(text).toContain('*drifty*: schema change (1 added)')
    expect(text).toContain('• added `extra_col` numeric(12,2)')
    expect(text).toContain('on_schema_drift: `warn`')
  })

  it('`rivet check` on a degraded export posts its verdict and the index to create', async () => {
    const { cfg } = setup(exp('slow_inc', 'nt_big', '    mode: incremental\n    cursor_column: updated_at\n') + exp('fine', 'nt_ok'))
    const check = await runCli(['check', '-c', cfg], { env: hook() })
    expect(check.code, check.stderr).toBe(0)
    expect(check.stdout).toMatch(/verdict\s+Degraded/)
    const bodies = posted()
    expect(bodies).toHaveLength(1)
    const text = blockText(bodies[0]!)
    expect(text).toContain('*slow_inc* is *Degraded*')
    expect(text).toContain('CREATE INDEX CONCURRENTLY ON "public"."nt_big" ("updated_at");')
    expect(text).not.toContain('*fine*')
    expect(bodies[0]!.text).toContain('Rivet check on')
  })

  it('on: [failure] leaves out the degraded verdict and the schema change, keeps the failure', async () => {
    const { cfg } = setup(exp('slow_inc', 'nt_big', '    mode: incremental\n    cursor_column: updated_at\n'), '    on: [failure]\n')
    const check = await runCli(['check', '-c', cfg], { env: hook() })
    expect(check.code, check.stderr).toBe(0)
    expect(posted()).toHaveLength(0)

    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS nt_drift')
      await c.query('CREATE TABLE nt_drift (id int PRIMARY KEY)')
    })
    const drift = setup(exp('drifty', 'nt_drift') + exp('broken', 'nt_missing'), '    on: [failure]\n')
    await runCli(['run', '-c', drift.cfg, '-e', 'drifty'], { env: hook() })
    await withPg((c) => c.query('ALTER TABLE nt_drift ADD COLUMN extra_col text'))
    const run = await runCli(['run', '-c', drift.cfg], { env: hook() })
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toContain('schema drift')
    const bodies = posted()
    expect(bodies).toHaveLength(1)
    expect(bodies[0]!.text).toContain('broken failed')
    expect(JSON.stringify(bodies[0])).not.toContain('schema change')
  })

  it('an unreachable webhook: same exit code, same files and summary, a warning without the URL, a journal entry', async () => {
    await withPg(async (c) => {
      await c.query('DROP TABLE IF EXISTS nt_drift')
      await c.query('CREATE TABLE nt_drift (id int PRIMARY KEY)')
    })
    const { dir, cfg } = setup(exp('drifty', 'nt_drift'))
    const closed = await unreachableUrl(HOOK_PATH)
    const env = { RIVET_TEST_SLACK_HOOK: closed }
    expect((await runCli(['run', '-c', cfg], { env })).code).toBe(0)
    await withPg((c) => c.query('ALTER TABLE nt_drift ADD COLUMN extra_col text'))
    const summary = join(dir, 'summary.json')
    const run = await runCli(['run', '-c', cfg, '--summary-output', summary], { env })
    // a completed run stays completed (exit 0) although its notification was lost
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/warning: \[RIVET_NOTIFY_FAILED\] the notification was not delivered \(3 attempts\): cannot reach the webhook host \(ECONNREFUSED\)/)
    expect(`${run.stdout}${run.stderr}`).not.toContain(MARKER)
    expect(`${run.stdout}${run.stderr}`).not.toContain(new URL(closed).port)
    expect(existsSync(summary)).toBe(true)
    expect(readFileSync(summary, 'utf8')).not.toContain(MARKER)
    expect(run.stdout).toContain('drifty')

    // every command that reads the config needs the variable, `rivet journal` too
    const journal = await runCli(['journal', '-c', cfg, '-e', 'drifty', '--json', '--kind', 'warning'], { env })
    expect(journal.code, journal.stderr).toBe(0)
    const events = (JSON.parse(journal.stdout) as { events: { message: string }[] }).events
    expect(events.some((e) => e.message.includes('[RIVET_NOTIFY_FAILED]'))).toBe(true)
    expect(journal.stdout).not.toContain(MARKER)
  })

  it('a receiver answering 500 three times: the failing run keeps its own exit code', async () => {
    receiver.script({ status: 500 }, { status: 500 }, { status: 500 })
    const { cfg } = setup(exp('broken', 'nt_missing'))
    const run = await runCli(['run', '-c', cfg], { env: hook() })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('[RIVET_SOURCE_NOT_FOUND]')
    expect(run.stderr).toMatch(/warning: \[RIVET_NOTIFY_FAILED\] the notification was not delivered \(3 attempts\): HTTP 500/)
    expect(run.stderr).not.toContain(MARKER)
    expect(receiver.requests.length - firstRequest).toBe(3)
  })

  it('an unset webhook variable refuses the run before it starts', async () => {
    const { dir, cfg } = setup(exp('fine', 'nt_ok'))
    const run = await runCli(['run', '-c', cfg], { env: { RIVET_TEST_SLACK_HOOK: undefined } })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('RIVET_CONFIG_ENV_MISSING')
    expect(run.stderr).toContain('notifications.slack.webhook_url_env names RIVET_TEST_SLACK_HOOK, which is not set')
    expect(existsSync(join(dir, 'out', 'fine'))).toBe(false)
    expect(posted()).toHaveLength(0)
  })

  it('a plain http:// webhook to another host is refused (RIVET_CONFIG_FORMAT), without printing it', async () => {
    const { cfg } = setup(exp('fine', 'nt_ok'))
    const run = await runCli(['run', '-c', cfg], { env: { RIVET_TEST_SLACK_HOOK: `http://hooks.example.com${HOOK_PATH}` } })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('RIVET_CONFIG_FORMAT')
    expect(run.stderr).toContain('https://')
    expect(run.stderr).not.toContain(MARKER)
  })
})
