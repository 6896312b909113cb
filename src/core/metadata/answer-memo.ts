/**
 * A pure function's answers by a key that says everything the answer depends on, kept for the next checkpoint of
 * the same run (they repeat the same evidence: logged names, monitor, task), at most `limit` of them (then all are
 * forgotten at once: a scan of many runs does not grow it without bound).
 */
export function answerMemo<T>(limit = 4096): (key: string, answer: () => T) => T {
  const answers = new Map<string, T>();
  return (key, answer) => {
    if (answers.has(key)) return answers.get(key) as T;
    const value = answer();
    if (answers.size >= limit) answers.clear();
    answers.set(key, value);
    return value;
  };
}
