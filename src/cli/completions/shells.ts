/** The shells `rivet completions` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const

/** One of COMPLETION_SHELLS. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number]

/** Whether `name` is a shell `rivet completions` supports. */
export function isCompletionShell(name: string): name is CompletionShell {
  return (COMPLETION_SHELLS as readonly string[]).includes(name)
}
