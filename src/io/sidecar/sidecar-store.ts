import * as nodeFs from "node:fs";
import { dirname } from "node:path";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { INPUT_CAPS, isOverCap, tooLargeMessage } from "../../core/input-caps.ts";
import { type CheckpointMetadataV1, isMetadataFloatPath } from "../../core/metadata/metadata-schema.ts";
import { parsePythonYamlDocument } from "../../core/metadata/python-yaml.ts";
import { stringifyPythonYaml } from "../../core/metadata/python-yaml-writer.ts";
import { sidecarTempPath } from "../../core/metadata/sidecar-path.ts";
import {
  isValidatedMetadata,
  type MetadataProblem,
  validateMetadata,
  validateMetadataDocument,
} from "../../core/metadata/validate-metadata.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { openRegularFile } from "../checkpoint/file-byte-source.ts";
import { syncDirectory } from "../fs/directory-sync.ts";
import { fsPath } from "../fs/fs-path.ts";
import { randomHex } from "../fs/private-file.ts";

export const SIDECAR_READ_ERROR_CODES = ["not-found", "unreadable", "too-large", "syntax-error"] as const;
export type SidecarReadError = {
  readonly code: (typeof SIDECAR_READ_ERROR_CODES)[number];
  readonly path: string;
  /** Says which file, what went wrong and what to do; syntax errors start with `file:line:col`. */
  readonly message: string;
  readonly line?: number;
  readonly col?: number;
};

export type SidecarRead = {
  /** False when the sidecar has errors: report it, keep it, rebuild the entry from the checkpoint. */
  readonly valid: boolean;
  readonly data?: CheckpointMetadataV1;
  readonly problems: readonly MetadataProblem[];
  readonly text: string;
};

export const SIDECAR_WRITE_ERROR_CODES = [
  "sidecar-exists",
  "read-only-directory",
  /** Not a place ckpt writes to: outside the roots, through a symlinked directory, or another user's file. */
  "refused",
  "invalid-metadata",
  "io",
] as const;
export type SidecarWriteError = {
  readonly code: (typeof SIDECAR_WRITE_ERROR_CODES)[number];
  readonly path: string;
  readonly message: string;
};

/** The fs calls the store makes; a parameter so tests can fail any step. */
export type SidecarFs = Pick<
  typeof nodeFs,
  | "readFileSync"
  | "openSync"
  | "writeSync"
  | "fsyncSync"
  | "closeSync"
  | "renameSync"
  | "linkSync"
  | "unlinkSync"
  | "readdirSync"
  | "statSync"
  | "existsSync"
>;

export type WriteSidecarOptions = {
  /** Replace an existing sidecar. @default false */
  readonly force?: boolean;
  /** @default node:fs */
  readonly fs?: SidecarFs;
  /** Temp-name suffix. @default 8 random hex bytes */
  readonly random?: () => string;
};

/**
 * A sidecar's text, unless it is over `INPUT_CAPS.sidecar` (parsing YAML costs ~35× the file: a 100 MB sidecar
 * took 3.4 GB). The one way any reader gets at a sidecar's bytes.
 */
export function readSidecarText(path: string, fs: SidecarFs = nodeFs): Result<string, SidecarReadError> {
  try {
    // Checked to be a regular file on the descriptor: a FIFO named like a sidecar would block the read forever.
    const opened = openRegularFile(path);
    if (!opened.success && opened.error.code === "not-regular")
      return fail({ code: "unreadable", path, message: opened.error.message });
    if (!opened.success) return ok(fs.readFileSync(fsPath(path), "utf8")); // raises the failure with its own code
    const size = opened.data.stats.size;
    if (isOverCap(size, INPUT_CAPS.sidecar)) {
      closeQuietly(fs, opened.data.fd);
      return fail({
        code: "too-large",
        path,
        message: tooLargeMessage({
          file: `${path}: the sidecar`,
          size,
          cap: INPUT_CAPS.sidecar,
          advice: "ckpt writes a few KB: delete it and run `ckpt scan` to write a fresh one, or trim it",
        }),
      });
    }
    return ok(readAndClose(fs, opened.data.fd));
  } catch (error) {
    const code = errorCodeOf(error);
    if (code === "ENOENT") return fail({ code: "not-found", path, message: `${path}: no such sidecar` });
    return fail({
      code: "unreadable",
      path,
      message: `${path}: cannot read sidecar (${code ?? String(error)}); check the file's permissions`,
    });
  }
}

/** Reads and validates a sidecar. A file that parses but fails validation is a success with `valid: false`. */
export function readSidecar(path: string, fs: SidecarFs = nodeFs): Result<SidecarRead, SidecarReadError> {
  const read = readSidecarText(path, fs);
  return read.success ? parseSidecarText(path, read.data) : read;
}

/** Parses and validates a sidecar's text read from anywhere (a file, an object next to an s3:// checkpoint). */
export function parseSidecarText(path: string, text: string): Result<SidecarRead, SidecarReadError> {
  const parsed = parsePythonYamlDocument(text);
  if (!parsed.success) {
    const { line, col, message } = parsed.error;
    return fail({
      code: "syntax-error",
      path,
      line,
      col,
      message: `${path}:${line}:${col}: YAML syntax error: ${message}; fix the file or delete it and run \`ckpt scan\``,
    });
  }
  const { valid, data, problems } = validateMetadataDocument(parsed.data);
  return ok(data ? { valid, data, problems, text } : { valid, problems, text });
}

/**
 * Writes a sidecar atomically: temp file in the same directory, fsync, then rename (or, without `force`, a hard
 * link that fails if the sidecar appeared meanwhile). Never leaves a partial sidecar or a temp file behind.
 */
export function writeSidecar(
  path: string,
  metadata: CheckpointMetadataV1,
  options: WriteSidecarOptions = {},
): Result<{ readonly path: string }, SidecarWriteError> {
  const fs = options.fs ?? nodeFs;
  const checked = isValidatedMetadata(metadata) ? { valid: true, problems: [] } : validateMetadata(metadata);
  if (!checked.valid) {
    const first = checked.problems.find((problem) => problem.severity === "error");
    return fail({
      code: "invalid-metadata",
      path,
      message: `${path}: refusing to write invalid metadata (${first?.path}: ${first?.message}); this is a bug in ckpt`,
    });
  }
  if (!options.force && fs.existsSync(fsPath(path))) return fail(exists(path));
  let text: string;
  try {
    text = stringifyPythonYaml(metadata, { isFloat: isMetadataFloatPath });
  } catch (error) {
    return fail({
      code: "invalid-metadata",
      path,
      message: `${path}: ${String(error)}; this is a bug in ckpt`,
    });
  }
  const temp = sidecarTempPath(path, (options.random ?? defaultRandom)());
  const written = writeTemp(fs, temp, text);
  if (!written.success) return fail(writeError(path, written.error));
  const placed = place(fs, temp, path, options.force ?? false);
  removeQuietly(fs, temp);
  if (!placed.success) return placed;
  syncDirectory(dirname(path), fs);
  return ok({ path });
}

function writeTemp(fs: SidecarFs, temp: string, text: string): Result<null, unknown> {
  let fd: number | undefined;
  try {
    fd = fs.openSync(fsPath(temp), "wx", 0o644);
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    return ok(null);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fs, fd);
    removeQuietly(fs, temp);
    return fail(error);
  }
}

function place(fs: SidecarFs, temp: string, path: string, force: boolean): Result<null, SidecarWriteError> {
  try {
    if (force) {
      fs.renameSync(fsPath(temp), fsPath(path));
      return ok(null);
    }
    try {
      fs.linkSync(fsPath(temp), fsPath(path));
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === "EEXIST") return fail(exists(path));
      // Filesystems without hard links: fall back to check-then-rename, which has a small race.
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
      if (fs.existsSync(fsPath(path))) return fail(exists(path));
      fs.renameSync(fsPath(temp), fsPath(path));
    }
    return ok(null);
  } catch (error) {
    return fail(writeError(path, error));
  }
}

function writeError(path: string, error: unknown): SidecarWriteError {
  const code = errorCodeOf(error);
  const directory = dirname(path);
  switch (code) {
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return {
        code: "read-only-directory",
        path,
        message: `${path}: cannot write the sidecar, ${directory} is read-only (${code}); make it writable to get sidecars, the catalog keeps the metadata meanwhile`,
      };
    default:
      return {
        code: "io",
        path,
        message: `${path}: writing the sidecar failed (${code ?? String(error)}); check that ${directory} exists and has free space`,
      };
  }
}

function exists(path: string): SidecarWriteError {
  return {
    code: "sidecar-exists",
    path,
    message: `${path}: a sidecar already exists and was left untouched; use --force to overwrite it`,
  };
}

function removeQuietly(fs: SidecarFs, path: string): void {
  try {
    fs.unlinkSync(fsPath(path));
  } catch {}
}

function readAndClose(fs: SidecarFs, fd: number): string {
  try {
    return fs.readFileSync(fd, "utf8");
  } finally {
    closeQuietly(fs, fd);
  }
}

function closeQuietly(fs: SidecarFs, fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {}
}

function defaultRandom(): string {
  return randomHex(8);
}
