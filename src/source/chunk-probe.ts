/** Lowest and highest value of a column (the server's text rendering), and whether any row has it NULL. */
export interface ColumnRange {
  readonly min: string | null
  readonly max: string | null
  readonly hasNulls: boolean
}
