import type { GlobalScan, ScanFinding } from "./pickle-global-scan.ts";

/** The five pickles of a torch < 1.6 file, in order (formats.md §1.4); only the main one may name globals. */
const LEGACY_PICKLES = ["magic-number", "protocol-version", "sys_info", "main", "storage-keys"] as const;
const MAIN = LEGACY_PICKLES.indexOf("main");

/**
 * A legacy file's scan, read as the format it is: five pickles back to back are the format itself (not a smuggled
 * second payload), and a global in any pickle but the main one is noted with the pickle it sits in, since torch
 * writes only plain values there.
 */
export function legacyTorchScan(scan: GlobalScan): GlobalScan {
  const findings: ScanFinding[] = scan.findings.filter((finding) => finding.kind !== "multiple-pickles");
  const named = new Map<number, string[]>();
  for (const ref of scan.globals) {
    const index = pickleIndex(scan, ref.offset);
    if (index === MAIN || index >= LEGACY_PICKLES.length) continue;
    const names = named.get(index) ?? [];
    const name = `${ref.module}.${ref.name}`;
    if (!names.includes(name)) names.push(name);
    named.set(index, names);
  }
  for (const [index, names] of named) {
    findings.push({
      kind: "legacy-header-global",
      offset: scan.pickles[index]?.start ?? 0,
      detail: `the ${LEGACY_PICKLES[index]} pickle (${index + 1} of 5) references ${names.join(", ")}; torch writes only plain values there`,
    });
  }
  return { ...scan, findings };
}

/** Which pickle an offset falls in; a pickle the scan could not finish counts as the next one. */
function pickleIndex(scan: GlobalScan, offset: number): number {
  const index = scan.pickles.findIndex((span) => offset < span.end);
  return index === -1 ? scan.pickles.length : index;
}
