/** `drill <name>` or `bench <name>`. */
export type Kind = 'drill' | 'bench';

/** A name the CLI answers itself instead of running a drill or bench of that name. */
export type ActionWord = 'list' | 'all' | 'readme' | 'compare';

export type CliRequest = { action: ActionWord } | { action: 'run'; kind: Kind; name: string };

// `npm run drill -- list` reaches the CLI as `drill list` (the npm script ends in `drill`), so each command takes
// `list` as well as its own words.
const actionWords: Record<Kind, readonly ActionWord[]> = {
  drill: ['list', 'all', 'readme'],
  bench: ['list', 'compare'],
};

/** What `<kind> <name>` asks for: one of the command's own words, or the drill or bench called `name`. */
export function cliRequest(kind: Kind, name: string): CliRequest {
  const word = actionWords[kind].find((w) => w === name);
  return word ? { action: word } : { action: 'run', kind, name };
}

/** The lines `list` prints. */
export function listing(drillNames: readonly string[], benchNames: readonly string[]): string[] {
  return [
    `drills:  ${drillNames.join(', ') || '(none yet)'}`,
    `benches: ${benchNames.join(', ') || '(none yet)'}`,
  ];
}
