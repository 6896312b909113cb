/**
 * Optimal-string-alignment distance (Damerau–Levenshtein where a transposition is one edit): `hmaen` → `hmean` is 1.
 * Written here rather than imported: core may import only zod and yaml, and this is the whole algorithm.
 */
export function editDistance(from: string, to: string): number {
  const a = [...from];
  const b = [...to];
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, column) => column);
  for (let row = 1; row <= a.length; row++) {
    const current = [row];
    for (let column = 1; column <= b.length; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let value = Math.min(
        (previous[column] ?? 0) + 1,
        (current[column - 1] ?? 0) + 1,
        (previous[column - 1] ?? 0) + cost,
      );
      const transposed =
        row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1];
      if (transposed) value = Math.min(value, (beforePrevious[column - 2] ?? 0) + 1);
      current.push(value);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

export type NearestOptions = {
  /** At most this many names. @default 3 */
  readonly limit?: number;
};

type Match = { readonly name: string; readonly tier: number; readonly distance: number };

/** How close `candidate` is to `typed`: same but for case, within the edit budget, or a prefix; null when none. */
function matchOf(typed: string, candidate: string): Match | null {
  const lowerTyped = typed.toLowerCase();
  const lower = candidate.toLowerCase();
  if (lower === lowerTyped) return { name: candidate, tier: 0, distance: 0 };
  const distance = editDistance(lowerTyped, lower);
  // rustc's budget: one edit per three characters, at least one.
  const budget = Math.floor(Math.max([...typed].length, 3) / 3);
  if (distance <= budget) return { name: candidate, tier: 1, distance };
  if (lowerTyped.length >= 2 && lower.startsWith(lowerTyped)) return { name: candidate, tier: 2, distance };
  return null;
}

/**
 * The candidates nearest to a mistyped name, nearest first, as git's and cargo's "did you mean": case-insensitive,
 * a few edits (transpositions count as one) scaled by length, or the typed text as a prefix.
 * @example nearestNames("hmaen", ["hmean", "recall"]) → ["hmean"]
 */
export function nearestNames(
  typed: string,
  candidates: Iterable<string>,
  options: NearestOptions = {},
): string[] {
  const matches = [...new Set(candidates)].flatMap((candidate) => matchOf(typed, candidate) ?? []);
  matches.sort((x, y) => x.tier - y.tier || x.distance - y.distance || x.name.localeCompare(y.name));
  return matches.slice(0, options.limit ?? 3).map((match) => match.name);
}

/** `Did you mean 'a'?`, `… 'a' or 'b'?`, `… 'a', 'b' or 'c'?`; empty when there is nothing to suggest. */
export function didYouMean(names: readonly string[]): string {
  const quoted = names.map((name) => `'${name}'`);
  const last = quoted.pop();
  if (last === undefined) return "";
  return `Did you mean ${quoted.length === 0 ? last : `${quoted.join(", ")} or ${last}`}?`;
}

/** A name that matched no valid choice, with the nearest choices (possibly none). */
export type UnknownName = { readonly typed: string; readonly suggestions: readonly string[] };
