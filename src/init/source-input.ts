/**
 * The source `rivet init` reads: `--source-env VAR` (the URL stays in the environment and the
 * file says `url_env: VAR`) or `--source URL` (the file says `url_env: RIVET_SOURCE_URL` and a
 * comment tells the user to export it). The password never reaches the file or a message.
 */
import { parseConnectionUrl, type ResolvedConnection, type SourceType } from '../config/index.js'
import { RivetError } from '../errors/index.js'

/** The variable the config names when the URL was given on the command line. */
export const DEFAULT_URL_ENV = 'RIVET_SOURCE_URL'

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

/** How the user named the source. */
export interface InitSourceOptions {
  readonly sourceEnv?: string
  readonly source?: string
  readonly env: NodeJS.ProcessEnv
}

/** The resolved source: what to connect with, and what the file says about it. */
export interface InitSource {
  readonly type: SourceType
  /** The full URL, password included: for connecting and validating only, never printed. */
  readonly url: string
  /** The URL with its password shown as `***`: for messages and comments. */
  readonly redactedUrl: string
  /** The variable `url_env:` names. */
  readonly urlEnv: string
  /** True when the URL came from `--source-env` (already in the environment). */
  readonly fromEnv: boolean
  readonly hasPassword: boolean
  readonly connection: ResolvedConnection
}

/** Resolve `--source-env` / `--source`; usage and URL errors never quote the URL. */
export function resolveInitSource(options: InitSourceOptions): InitSource {
  const { sourceEnv, source } = options
  if ((sourceEnv === undefined) === (source === undefined)) {
    throw new RivetError('RIVET_USAGE', sourceEnv === undefined ? 'rivet init needs the source: --source-env VAR or --source URL' : '--source-env and --source exclude each other', {
      hint: 'prefer --source-env DATABASE_URL: the URL (and its password) then stays out of your shell history and out of the file',
    })
  }
  let url: string
  let where: string
  if (sourceEnv !== undefined) {
    if (!ENV_NAME_RE.test(sourceEnv)) {
      throw new RivetError('RIVET_USAGE', `--source-env takes the name of an environment variable (letters, digits and _), not a URL or a value`, {
        hint: 'export DATABASE_URL=postgresql://... then run rivet init --source-env DATABASE_URL',
      })
    }
    const value = options.env[sourceEnv]
    if (value === undefined || value.trim() === '') {
      throw new RivetError('RIVET_CONFIG_ENV_MISSING', `--source-env names ${sourceEnv}, which is ${value === undefined ? 'not set' : 'empty'}`, { details: { variable: sourceEnv } })
    }
    url = value.trim()
    where = `--source-env ${sourceEnv}`
  } else {
    url = source!.trim()
    where = '--source'
  }
  const parsed = parseConnectionUrl(url)
  if ('error' in parsed) throw new RivetError('RIVET_CONFIG_FORMAT', `${where}: the URL ${parsed.error}`, { hint: 'write it as postgresql://user@host:5432/db or mysql://user@host:3306/db' })
  return {
    type: parsed.type,
    url,
    redactedUrl: parsed.redacted,
    urlEnv: sourceEnv ?? DEFAULT_URL_ENV,
    fromEnv: sourceEnv !== undefined,
    hasPassword: parsed.password !== undefined,
    connection: {
      host: parsed.host,
      port: parsed.port,
      user: parsed.user,
      ...(parsed.password !== undefined ? { password: parsed.password } : {}),
      database: parsed.database,
      tls: { mode: parsed.sslmode ?? 'prefer' },
      applicationName: parsed.applicationName ?? 'rivet',
    },
  }
}

/** Comment lines of the `source:` block: where the URL comes from, and that the file holds no secret. */
export function sourceComments(source: InitSource): string[] {
  if (source.fromEnv) return [`the connection URL is read from ${source.urlEnv} when rivet runs; this file holds no password`]
  const exportLine = `  export ${source.urlEnv}='${source.redactedUrl.replace(/'/g, '%27')}'`
  return [
    `the connection URL is read from ${source.urlEnv} when rivet runs; this file holds no password. Before rivet run:`,
    source.hasPassword ? `${exportLine}   (with the password in place of ***)` : exportLine,
  ]
}

