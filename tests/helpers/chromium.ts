import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'

/** The Chromium the browser tests drive: Debian's package (`make tools` installs it), or RIVET_TEST_CHROMIUM. */
export const CHROMIUM_PATH = process.env.RIVET_TEST_CHROMIUM ?? '/usr/bin/chromium'

const inCI = process.env.CI === 'true' || process.env.CI === '1'

/**
 * Whether Chromium is installed. Outside CI a missing browser makes the calling suite skip with a
 * visible reason; under CI=true it throws so the run fails (.ci/run installs it).
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  const reason = `Chromium is not installed at ${CHROMIUM_PATH}: run \`make tools\` (apt-get install chromium) or set RIVET_TEST_CHROMIUM`
  if (inCI) throw new Error(`${reason} — CI must install it`)
  console.warn(`SKIP: ${reason}`)
  return false
}

/** Flags for a headless Chromium that talks to nothing but the page it is given. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Headless Chromium with a fresh profile folder; `close()` ends it and removes the folder. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'rivet-chromium-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, viewport: { width: 1300, height: 900 } })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
