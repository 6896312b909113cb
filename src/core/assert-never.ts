/** Exhaustiveness check for `switch` over a literal union: a missed case fails to typecheck. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
