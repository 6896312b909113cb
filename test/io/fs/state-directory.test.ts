import { describe, expect, test } from "bun:test";
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  createPrivateFile,
  openPrivateFile,
  writePrivateFileAtomically,
} from "../../../src/io/fs/private-file.ts";
import { checkStateDirectory } from "../../../src/io/fs/state-directory.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const uid = process.geteuid?.() ?? 0;
const isRoot = uid === 0;
const NOBODY = 65534;

/** A directory that is someone else's: chowned to nobody as root, else checked as if we were another uid. */
function theirs(path: string): { path: string; uid: number } {
  mkdirSync(path, { mode: 0o755 });
  if (isRoot) chownSync(path, NOBODY, NOBODY);
  return { path, uid: isRoot ? uid : uid + 1 };
}

describe("checkStateDirectory: the one rule for directories ckpt keeps state in", () => {
  test("an absent directory is created 0700, with its missing parents", () => {
    using dir = makeTempDir("state-dir");
    const path = join(dir.path, "a", "b", "ckpt");
    expect(checkStateDirectory(path)).toEqual({ success: true, data: undefined });
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir.path, "a")).mode & 0o777).toBe(0o700);
  });

  test("without create, an absent directory is fine and stays absent", () => {
    using dir = makeTempDir("state-dir");
    const path = join(dir.path, "ckpt");
    expect(checkStateDirectory(path, { create: false })).toEqual({ success: true, data: undefined });
    expect(() => lstatSync(path)).toThrow();
  });

  test("verdicts on what is already there", () => {
    using dir = makeTempDir("state-dir");
    const at = (name: string) => join(dir.path, name);
    mkdirSync(at("private"), { mode: 0o700 });
    mkdirSync(at("readable"));
    chmodSync(at("readable"), 0o755);
    mkdirSync(at("group-writable"));
    chmodSync(at("group-writable"), 0o770);
    mkdirSync(at("world-writable"));
    chmodSync(at("world-writable"), 0o1777);
    writeFileSync(at("a-file"), "");
    symlinkSync(at("private"), at("link-to-private"));
    symlinkSync(at("world-writable"), at("link-to-world-writable"));
    const other = theirs(at("someone-elses"));
    const verdict = (path: string, asUid = uid) => {
      const checked = checkStateDirectory(path, { uid: asUid });
      return checked.success ? "ok" : checked.error.code;
    };
    expect({
      private: verdict(at("private")),
      readable: verdict(at("readable")),
      groupWritable: verdict(at("group-writable")),
      worldWritable: verdict(at("world-writable")),
      aFile: verdict(at("a-file")),
      linkToPrivate: verdict(at("link-to-private")),
      linkToWorldWritable: verdict(at("link-to-world-writable")),
      someoneElses: verdict(other.path, other.uid),
    }).toEqual({
      private: "ok",
      readable: "ok",
      groupWritable: "writable-by-others",
      worldWritable: "writable-by-others",
      aFile: "not-a-directory",
      linkToPrivate: "ok",
      linkToWorldWritable: "writable-by-others",
      someoneElses: "wrong-owner",
    });
  });

  test("a refusal names the directory, its owner and mode, the danger and what to do", () => {
    using dir = makeTempDir("state-dir");
    const open = join(dir.path, "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    const checked = checkStateDirectory(open);
    expect(checked.success ? "" : checked.error.message).toBe(
      `${open} is writable by everyone (mode 0777): another user could replace or redirect the files ckpt keeps there; run 'chmod 700 ${open}', or choose another location`,
    );
    const other = theirs(join(dir.path, "other"));
    const refused = checkStateDirectory(other.path, { uid: other.uid });
    const owner = isRoot ? NOBODY : uid;
    expect(refused.success ? "" : refused.error.message).toBe(
      `${other.path} belongs to uid ${owner} (mode 0755), not to you (uid ${other.uid}): another user could replace or redirect the files ckpt keeps there; use a directory of your own (unset CKPT_CATALOG for the default ~/.local/state/ckpt), or have it removed so ckpt can create it`,
    );
  });
});

describe("private files: 0600, never through a planted link", () => {
  test("the atomic writer replaces a link at the path instead of writing through it", () => {
    using dir = makeTempDir("private-file");
    const victim = join(dir.path, "victim");
    writeFileSync(victim, "precious");
    const path = join(dir.path, "catalog.db.pid");
    symlinkSync(victim, path);
    writePrivateFileAtomically(path, "mine\n");
    expect({
      victim: readFileSync(victim, "utf8"),
      written: readFileSync(path, "utf8"),
      isLink: lstatSync(path).isSymbolicLink(),
      mode: statSync(path).mode & 0o777,
    }).toEqual({ victim: "precious", written: "mine\n", isLink: false, mode: 0o600 });
  });

  test("opening or creating through a planted link fails and creates nothing", () => {
    using dir = makeTempDir("private-file");
    const target = join(dir.path, "created_by_ckpt");
    const lock = join(dir.path, "catalog.db.lock");
    symlinkSync(target, lock);
    expect(() => openPrivateFile(lock, "read-write")).toThrow(/ELOOP/);
    expect(() => openPrivateFile(lock, "append")).toThrow(/ELOOP/);
    expect(createPrivateFile(lock)).toBe(false);
    expect(() => lstatSync(target)).toThrow();
    const fresh = join(dir.path, "catalog.db");
    expect(createPrivateFile(fresh)).toBe(true);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
  });
});
