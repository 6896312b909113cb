// Test-only: reads a `<file>.truth.json`. Python's json writes bare NaN/Infinity, which JSON.parse rejects.
const tokens: Record<string, number> = {
  "@@NaN@@": Number.NaN,
  "@@Infinity@@": Number.POSITIVE_INFINITY,
  "@@-Infinity@@": Number.NEGATIVE_INFINITY,
};

export type Truth = Record<string, unknown>;

export async function readTruth(path: string): Promise<Truth> {
  const text = await Bun.file(path).text();
  const quoted = text.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1"@@$2@@"');
  return JSON.parse(quoted, (_key, value: unknown) =>
    typeof value === "string" && value in tokens ? tokens[value] : value,
  ) as Truth;
}
