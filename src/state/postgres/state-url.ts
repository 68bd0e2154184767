import { RivetError } from '../../errors/index.js'

/** The environment variable that puts the state in PostgreSQL. */
export const STATE_URL_ENV = 'RIVET_STATE_URL'

/** The PostgreSQL schema Rivet's state tables live in unless the URL names another (?schema=). */
export const DEFAULT_STATE_SCHEMA = 'rivet'

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/
const URL_HINT = `set ${STATE_URL_ENV} to postgresql://user:password@host:5432/database (optionally ?schema=name&sslmode=require); percent-encode special characters in the user and password`

/** A parsed RIVET_STATE_URL. */
export interface StateUrl {
  /** What `pg` connects with: the URL without Rivet's own `schema` parameter. */
  readonly connectionString: string
  /** The schema holding the state tables. */
  readonly schema: string
  /** The URL without its password, with the schema spelled out: safe for messages. */
  readonly location: string
  /** Secrets that must never appear in a message (the URL's password), to scrub from driver errors. */
  readonly secrets: readonly string[]
}

/** Whether a URL has a PostgreSQL scheme. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text.trim())
}

/**
 * Parse a state URL: postgres:// or postgresql://, with an optional `schema` query parameter
 * (default `rivet`). Other parameters (sslmode...) go to the driver unchanged.
 */
export function parseStateUrl(text: string): StateUrl {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    // text that does not parse cannot be redacted reliably, so it is not echoed
    throw new RivetError('RIVET_CONFIG_FORMAT', `${STATE_URL_ENV} is not a URL`, { hint: URL_HINT })
  }
  const scheme = url.protocol.toLowerCase()
  if (scheme !== 'postgres:' && scheme !== 'postgresql:') {
    throw new RivetError('RIVET_CONFIG_FORMAT', `${STATE_URL_ENV} has scheme ${scheme}//; the state can live in PostgreSQL only (postgres:// or postgresql://)`, {
      hint: `${URL_HINT}; unset ${STATE_URL_ENV} to keep the state in .rivet_state.db next to the config`,
    })
  }
  if (url.hostname === '') throw new RivetError('RIVET_CONFIG_FORMAT', `${STATE_URL_ENV} names no host`, { hint: URL_HINT })
  const schema = url.searchParams.get('schema') ?? DEFAULT_STATE_SCHEMA
  if (!SCHEMA_NAME.test(schema)) {
    throw new RivetError('RIVET_CONFIG_FORMAT', `${STATE_URL_ENV} names schema ${JSON.stringify(schema)}; a state schema name is lowercase letters, digits and _ (at most 63, not starting with a digit)`, {
      hint: URL_HINT,
    })
  }
  const secrets = [url.password, decode(url.password), url.searchParams.get('password') ?? ''].filter((s) => s.length > 0)
  url.searchParams.delete('schema')
  const connectionString = url.toString()
  const shown = new URL(connectionString)
  shown.password = ''
  shown.searchParams.delete('password')
  shown.searchParams.set('schema', schema)
  return { connectionString, schema, location: shown.toString(), secrets }
}

/** Remove every secret from a text (driver messages may quote what they were given). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) out = out.split(secret).join('***')
  return out
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
