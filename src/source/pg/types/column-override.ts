/** Override kinds without parameters (`columns: { col: text }`). */
export type SimpleOverrideKind = 'text' | 'int64' | 'float64' | 'uuid' | 'json' | 'timestamp' | 'timestamp_tz' | 'date' | 'bool' | 'binary'

/** A per-column type override from the config (same shape as src/config's ColumnOverride). */
export type ColumnOverride =
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: SimpleOverrideKind }
