/** The shape of zod's `safeParse`: expected failures are values, never throws. */
export type Result<T, E> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: E };

export function ok<T>(data: T): { readonly success: true; readonly data: T } {
  return { success: true, data };
}

export function fail<E>(error: E): { readonly success: false; readonly error: E } {
  return { success: false, error };
}
