/** Picking exports by name, as `rivet run orders customers` does. */
import { RivetError } from '../errors/index.js'
import { didYouMean } from './did-you-mean.js'
import type { ResolvedConfig, ResolvedExport } from './types.js'

/** The named exports in config order (all of them when `names` is empty); unknown names throw RIVET_EXPORT_NOT_FOUND. */
export function selectExports(config: ResolvedConfig, names: readonly string[]): ResolvedExport[] {
  if (names.length === 0) return [...config.exports]
  const known = config.exports.map((e) => e.name)
  const unknown = [...new Set(names)].filter((n) => !known.includes(n))
  if (unknown.length > 0) {
    const items = unknown.map((name) => ({
      code: 'RIVET_EXPORT_NOT_FOUND' as const,
      message: `no export named '${name}'${didYouMean(name, known)}`,
      hint: `exports in ${config.configPath}: ${known.join(', ')}`,
    }))
    const message = items.length === 1 ? items[0].message : `no exports named ${unknown.map((n) => `'${n}'`).join(', ')}`
    throw new RivetError('RIVET_EXPORT_NOT_FOUND', message, {
      hint: items[0].hint,
      details: { unknown, available: known },
      ...(items.length > 1 ? { items } : {}),
    })
  }
  const wanted = new Set(names)
  return config.exports.filter((e) => wanted.has(e.name))
}
