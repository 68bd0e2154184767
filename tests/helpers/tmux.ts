import { execFileSync, spawnSync } from 'node:child_process'

const inCI = process.env.CI === 'true' || process.env.CI === '1'

/**
 * Whether tmux is installed. Outside CI a missing tmux makes the calling suite skip with a visible
 * reason; under CI=true it throws so the run fails (.ci/run installs it).
 */
export function tmuxAvailable(): boolean {
  if (spawnSync('tmux', ['-V']).status === 0) return true
  const reason = 'tmux is not installed: run `make tools` (apt-get install tmux)'
  if (inCI) throw new Error(`${reason} — CI must install it`)
  console.warn(`SKIP: ${reason}`)
  return false
}

/** Shell-quote one word. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/**
 * A program running in a detached tmux session of a fixed size, on a server of its own (a private
 * socket), so that the test reads exactly what a person at that terminal would see.
 */
export class TmuxSession {
  private readonly socket = `rivet-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`

  constructor(
    command: string,
    options: { readonly cwd: string; readonly width?: number; readonly height?: number; readonly env?: Record<string, string> },
  ) {
    const env = Object.entries({ LANG: 'C.UTF-8', TERM: 'xterm-256color', ...options.env }).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')
    // the shell stays after the command, so its screen can still be read; the exit code is printed last
    const script = `cd ${shellQuote(options.cwd)} && env ${env} ${command}; echo "EXIT=$?"; sleep 600`
    this.tmux(['new-session', '-d', '-s', 'main', '-x', String(options.width ?? 120), '-y', String(options.height ?? 40), script])
  }

  /** The visible screen now. */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'main'])
  }

  /** Everything the pane ever showed: the scrollback and the screen. */
  history(): string {
    return this.tmux(['capture-pane', '-p', '-S', '-', '-t', 'main'])
  }

  kill(): void {
    try {
      this.tmux(['kill-server'])
    } catch {
      // already gone
    }
  }

  private tmux(args: readonly string[]): string {
    return execFileSync('tmux', ['-u', '-L', this.socket, ...args], { encoding: 'utf8' })
  }
}
