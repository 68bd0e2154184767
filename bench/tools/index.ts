export { dirSize } from './dir-size.js'
export { NAIVE_MAX_DECODED_BYTES, NAIVE_NODE } from './naive-node.js'
export { PSQL_BINARY_DEVNULL, PSQL_CSV } from './psql.js'
export { RIVET_BIN, RIVET_CSV, RIVET_PARQUET } from './rivet.js'
export type { FixtureFacts, Tool, ToolContext, ToolOutput } from './types.js'
import { NAIVE_NODE } from './naive-node.js'
import { PSQL_BINARY_DEVNULL, PSQL_CSV } from './psql.js'
import { RIVET_CSV, RIVET_PARQUET } from './rivet.js'
import type { Tool } from './types.js'

/** Every tool, in the default measuring order. */
export const ALL_TOOLS: readonly Tool[] = [RIVET_PARQUET, RIVET_CSV, PSQL_CSV, PSQL_BINARY_DEVNULL, NAIVE_NODE]

/** Tools named in a comma list (`--tools rivet,psql_csv`), or all of them. */
export function selectTools(list: string | undefined): Tool[] {
  if (!list) return [...ALL_TOOLS]
  return list.split(',').map((raw) => {
    const name = raw.trim()
    const tool = ALL_TOOLS.find((t) => t.name === name)
    if (!tool) throw new Error(`unknown tool "${name}"; known: ${ALL_TOOLS.map((t) => t.name).join(', ')}`)
    return tool
  })
}
