/**
 * One kept checkpoint's optimizer strip, as prune shows it: what it would save (a dry run) or saved, or that it is
 * not done and why.
 */
export type StripMark =
  | { readonly kind: "saves" | "stripped"; readonly bytesSaved: number }
  | { readonly kind: "refused"; readonly reason: string };
