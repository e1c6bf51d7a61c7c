// Configuration read from the environment (or CDK context): comma-separated lists, parsed once here.

/** `"a, b,,c"` -> `['a', 'b', 'c']`: trimmed, empty entries dropped; unset -> []. */
export function envList(raw: string | undefined, opts: { lowerCase?: boolean } = {}): string[] {
  const items = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return opts.lowerCase ? items.map((s) => s.toLowerCase()) : items;
}
