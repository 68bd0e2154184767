import { renderBashScript } from './bash.js'
import { renderFishScript } from './fish.js'
import type { CompletionModel } from './model.js'
import type { CompletionShell } from './shells.js'
import { renderZshScript } from './zsh.js'

/** The completion script for one shell. */
export function renderCompletionScript(shell: CompletionShell, model: CompletionModel): string {
  switch (shell) {
    case 'bash':
      return renderBashScript(model)
    case 'zsh':
      return renderZshScript(model)
    case 'fish':
      return renderFishScript(model)
  }
}
