/** Near-miss suggestions ("did you mean ...?") by edit distance. */

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[] = new Array(rows * cols)
  for (let i = 0; i < rows; i++) d[i * cols] = i
  for (let j = 0; j < cols; j++) d[j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2] + 1)
      d[i * cols + j] = best
    }
  }
  return d[rows * cols - 1]
}

/** The most edits a word of this length may be away from a suggestion. */
function tolerance(length: number): number {
  if (length <= 3) return 1
  if (length <= 6) return 2
  return 3
}

/** The candidate closest to `input` (case-insensitive), or null when none is close enough. */
export function closest(input: string, candidates: Iterable<string>): string | null {
  const needle = input.toLowerCase()
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase())
    if (distance < bestDistance && distance <= tolerance(Math.max(needle.length, candidate.length))) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** ` — did you mean X?` when a candidate is close, else an empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closest(input, candidates)
  return match === null ? '' : ` — did you mean ${match}?`
}
