import type { ByteSource } from "../../bytes/byte-source.ts";

/** One member of a tar archive: its name (`./` removed), type and where its data lies. */
export type TarMember = {
  readonly name: string;
  /** `file`, `directory`, or the raw typeflag character of anything else (links, devices). */
  readonly type: string;
  readonly size: number;
  readonly dataOffset: number;
};

export type TarErrorCode = "incomplete" | "corrupt";
export type TarError = { readonly code: TarErrorCode; readonly message: string };
/** The members listed, and why the listing stopped short of tar's end block (null when it did not). */
export type TarListing = { readonly members: TarMember[]; readonly error: TarError | null };

const BLOCK = 512;
/** A NeMo archive holds a config, weights and a few tokenizer files; a million members is no model archive. */
const MAX_MEMBERS = 100_000;
/** PAX extended headers hold a few paths; a bigger one is not read. */
const MAX_PAX_BYTES = 1024 * 1024;
const utf8 = new TextDecoder("utf-8");

/**
 * Lists a POSIX tar (ustar, GNU or PAX, as Python's `tarfile` writes) by its 512-byte headers, skipping member
 * data by its size: bytes read grow with the member count, not with the data. Complete only with the
 * end-of-archive zero block that `tarfile` writes on close.
 */
export function readTarMembers(source: ByteSource): TarListing {
  const members: TarMember[] = [];
  const fail = (error: TarError): TarListing => ({ members, error });
  let offset = 0;
  let pending: { path?: string; size?: number } = {};
  while (members.length <= MAX_MEMBERS) {
    const header = source.read(offset, BLOCK);
    if (header.length < BLOCK)
      return fail({
        code: "incomplete",
        message: `the archive ends at byte ${source.size} without tar's end-of-archive block; it is still being written or was cut short (save it again)`,
      });
    if (header.every((byte) => byte === 0)) return { members, error: null };
    const parsed = parseHeader(header, offset);
    if (typeof parsed === "string") return fail({ code: "corrupt", message: parsed });
    const size = pending.size ?? parsed.size;
    const dataOffset = offset + BLOCK;
    if (dataOffset + size > source.size)
      return fail({
        code: "incomplete",
        message: `member "${pending.path ?? parsed.name}" needs ${size} bytes from byte ${dataOffset} but the archive has ${source.size}; it is still being written or was cut short (retry when the save finishes, or save it again)`,
      });
    offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if ("xgL".includes(parsed.flag)) {
      if (parsed.flag === "g") continue;
      const extension = extensionHeader(source, { flag: parsed.flag, dataOffset, size });
      if (typeof extension === "string") return fail({ code: "corrupt", message: extension });
      pending = { ...pending, ...extension };
      continue;
    }
    const listed = member({ ...parsed, name: pending.path ?? parsed.name, size, dataOffset });
    // `tar.add(dir, arcname=".")` opens with the root itself: not a member anyone asked for.
    if (listed.name !== "") members.push(listed);
    pending = {};
  }
  return fail({ code: "corrupt", message: `more than ${MAX_MEMBERS} members; not an archive ckpt reads` });
}

function member(raw: { name: string; flag: string; size: number; dataOffset: number }): TarMember {
  const type = raw.flag === "5" ? "directory" : raw.flag === "0" || raw.flag === "\0" ? "file" : raw.flag;
  const name = raw.name.replace(/^(\.\/)+/, "");
  return {
    name: type === "directory" && !name.endsWith("/") && name !== "" ? `${name}/` : name,
    type,
    size: raw.size,
    dataOffset: raw.dataOffset,
  };
}

function parseHeader(
  header: Uint8Array,
  offset: number,
): { name: string; flag: string; size: number } | string {
  const stored = octal(header.subarray(148, 156));
  let sum = 0;
  for (let index = 0; index < BLOCK; index++)
    sum += index >= 148 && index < 156 ? 0x20 : (header[index] ?? 0);
  if (stored !== sum)
    return `tar header at byte ${offset} has a bad checksum; the archive is damaged (save it again)`;
  const size = sizeField(header.subarray(124, 136));
  if (size === undefined) return `tar header at byte ${offset} has an unreadable size`;
  const ustar = utf8.decode(header.subarray(257, 262)) === "ustar";
  const prefix = ustar ? text(header.subarray(345, 500)) : "";
  const name = text(header.subarray(0, 100));
  return { name: prefix ? `${prefix}/${name}` : name, flag: String.fromCharCode(header[156] ?? 0), size };
}

/** PAX `x` records (`path`, `size`) or a GNU `L` long name for the next member. */
function extensionHeader(
  source: ByteSource,
  at: { flag: string; dataOffset: number; size: number },
): { path?: string; size?: number } | string {
  if (at.size > MAX_PAX_BYTES)
    return `an extended tar header of ${at.size} bytes is not one a model archive writes`;
  const body = utf8.decode(source.read(at.dataOffset, at.size));
  if (at.flag === "L") return { path: body.replace(/\0+$/, "") };
  const out: { path?: string; size?: number } = {};
  for (const record of body.split("\n")) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(record);
    if (match?.[1] === "path") out.path = match[2] ?? "";
    if (match?.[1] === "size" && /^\d+$/.test(match[2] ?? "")) out.size = Number(match[2]);
  }
  return out;
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return utf8.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

function octal(bytes: Uint8Array): number | undefined {
  const digits = text(bytes).trim();
  return /^[0-7]+$/.test(digits) ? Number.parseInt(digits, 8) : undefined;
}

/** Octal, or GNU base-256 (high bit set) for members of 8 GiB and more. */
function sizeField(bytes: Uint8Array): number | undefined {
  if (((bytes[0] ?? 0) & 0x80) === 0) return octal(bytes);
  let value = (bytes[0] ?? 0) & 0x7f;
  for (const byte of bytes.subarray(1)) value = value * 256 + byte;
  return Number.isSafeInteger(value) ? value : undefined;
}
