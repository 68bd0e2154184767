/**
 * Resolve `source` into a ResolvedConnection: read the URL from the file, the environment or the
 * config, or assemble it from structured keys. Secrets are read here and never put in messages.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { checkSchemeMatchesType, checkUrlParamAgreement } from './checks.js'
import { getNumber, getObject, getString, isSet, type CleanObject } from './clean-tree.js'
import { buildRedactedUrl, DEFAULT_PORTS, parseConnectionUrl, type ParsedConnectionUrl } from './connection-url.js'
import { formatPath, type ConfigIssues, type ConfigPath } from './issues.js'
import { SOURCE_SPEC } from './schema.js'
import type { ResolvedConnection, ResolvedTls, SourceType, TlsMode } from './types.js'

/** Keys of the structured connection form; any of them selects it. */
const STRUCTURED_KEYS: readonly string[] = SOURCE_SPEC.exclusive?.flatMap((g) => g.alternatives).find((a) => a.requires)?.keys ?? []

/** What resolving needs besides the tree. */
export interface ResolveContext {
  readonly issues: ConfigIssues
  readonly env: NodeJS.ProcessEnv
  readonly configDir: string
}

/** A connection and its loggable URL. */
export interface ConnectionResult {
  readonly connection: ResolvedConnection
  readonly redactedUrl: string
}

/** Read a file named in the config, relative to the config file; null (and a recorded problem) when unreadable. */
export function readConfigFile(file: string, path: ConfigPath, ctx: ResolveContext): string | null {
  const absolute = resolve(ctx.configDir, file)
  try {
    return readFileSync(absolute, 'utf8')
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'read error'
    ctx.issues.add('RIVET_CONFIG_FILE_UNREADABLE', path, `${formatPath(path)}: cannot read ${absolute} (${reason})`)
    return null
  }
}

/** The URL text and where it came from, or null when it cannot be had (problem already recorded). */
function urlText(source: CleanObject, ctx: ResolveContext): { text: string; path: ConfigPath } | null {
  const url = getString(source, 'url')
  if (url !== undefined) return { text: url, path: ['source', 'url'] }
  const envName = getString(source, 'url_env')
  if (envName !== undefined) {
    const path = ['source', 'url_env']
    const value = ctx.env[envName]
    if (value === undefined || value.trim() === '') {
      ctx.issues.add('RIVET_CONFIG_ENV_MISSING', path, `source.url_env names ${envName}, which is ${value === undefined ? 'not set' : 'empty'}`)
      return null
    }
    return { text: value, path }
  }
  const file = getString(source, 'url_file')
  if (file === undefined) return null
  const path = ['source', 'url_file']
  const content = readConfigFile(file, path, ctx)
  return content === null ? null : { text: content.trim(), path }
}

function resolveTls(tls: CleanObject | undefined, mode: TlsMode, configDir: string): ResolvedTls {
  const file = (key: string): string | undefined => {
    const value = getString(tls, key)
    return value === undefined ? undefined : resolve(configDir, value)
  }
  const [caFile, certFile, keyFile] = [file('ca_file'), file('cert_file'), file('key_file')]
  return { mode, ...(caFile ? { caFile } : {}), ...(certFile ? { certFile } : {}), ...(keyFile ? { keyFile } : {}) }
}

function fromUrl(source: CleanObject, type: SourceType | undefined, ctx: ResolveContext): { parsed: ParsedConnectionUrl; path: ConfigPath } | null {
  const found = urlText(source, ctx)
  if (found === null) return null
  const parsed = parseConnectionUrl(found.text)
  if ('error' in parsed) {
    ctx.issues.add('RIVET_CONFIG_FORMAT', found.path, `${formatPath(found.path)} ${parsed.error}`)
    return null
  }
  checkSchemeMatchesType(type, parsed.type, parsed.scheme, found.path, ctx.issues)
  return { parsed, path: found.path }
}

function password(source: CleanObject, ctx: ResolveContext): string | undefined | null {
  const direct = getString(source, 'password')
  if (direct !== undefined) return direct
  const envName = getString(source, 'password_env')
  if (envName === undefined) return isSet(source, 'password') || isSet(source, 'password_env') ? null : undefined
  const value = ctx.env[envName]
  if (value === undefined) {
    ctx.issues.add('RIVET_CONFIG_ENV_MISSING', ['source', 'password_env'], `source.password_env names ${envName}, which is not set`)
    return null
  }
  return value
}

function urlConnection(source: CleanObject, type: SourceType | undefined, ctx: ResolveContext): ConnectionResult | undefined {
  const found = fromUrl(source, type, ctx)
  if (found === null || type === undefined) return undefined
  const { parsed, path } = found
  const tls = getObject(source, 'tls')
  const tlsMode = getString(tls, 'mode') as TlsMode | undefined
  const appName = getString(source, 'application_name')
  checkUrlParamAgreement('sslmode', parsed.sslmode, ['source', 'tls', 'mode'], tlsMode, path, ctx.issues)
  checkUrlParamAgreement('application_name', parsed.applicationName, ['source', 'application_name'], appName, path, ctx.issues)
  const connection: ResolvedConnection = {
    host: parsed.host,
    port: parsed.port,
    user: parsed.user,
    ...(parsed.password !== undefined ? { password: parsed.password } : {}),
    database: parsed.database,
    tls: resolveTls(tls, tlsMode ?? parsed.sslmode ?? 'prefer', ctx.configDir),
    applicationName: appName ?? parsed.applicationName ?? 'rivet',
  }
  return { connection, redactedUrl: parsed.redacted }
}

function structuredConnection(source: CleanObject, type: SourceType | undefined, ctx: ResolveContext): ConnectionResult | undefined {
  const pw = password(source, ctx)
  const [host, user, database] = [getString(source, 'host'), getString(source, 'user'), getString(source, 'database')]
  if (type === undefined || pw === null || host === undefined || user === undefined || database === undefined) return undefined
  if (isSet(source, 'port') && getNumber(source, 'port') === undefined) return undefined
  const port = getNumber(source, 'port') ?? DEFAULT_PORTS[type]
  const tls = getObject(source, 'tls')
  const connection: ResolvedConnection = {
    host,
    port,
    user,
    ...(pw !== undefined ? { password: pw } : {}),
    database,
    tls: resolveTls(tls, (getString(tls, 'mode') as TlsMode | undefined) ?? 'prefer', ctx.configDir),
    applicationName: getString(source, 'application_name') ?? 'rivet',
  }
  return { connection, redactedUrl: buildRedactedUrl(type, host, port, user, pw !== undefined, database) }
}

/** Resolve the connection of a validated `source`; undefined when a problem was recorded. */
export function resolveConnection(source: CleanObject, ctx: ResolveContext): ConnectionResult | undefined {
  const type = getString(source, 'type') as SourceType | undefined
  const structured = STRUCTURED_KEYS.some((k) => isSet(source, k))
  return structured ? structuredConnection(source, type, ctx) : urlConnection(source, type, ctx)
}
