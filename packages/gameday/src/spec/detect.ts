/**
 * True when a file's text is a `kind: GameDay` document (YAML or JSON). Imports nothing, so the CLI can
 * tell a game day from an experiment without loading the engine (start-up cost; see apps/cli README).
 */
export function looksLikeGameDay(text: string): boolean {
  return /^kind:\s*["']?GameDay["']?\s*$/m.test(text) || /"kind"\s*:\s*"GameDay"/.test(text);
}
