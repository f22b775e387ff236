import { lstatSync, realpathSync, statSync } from "node:fs";
import type { Stats } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";

/** What a path names when it is not a regular file (null for a regular file). */
export function specialKind(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** The allowed directory `real` is in (itself or below), if any. */
export function allowedDirOf(real: string, dirs: readonly string[]): string | undefined {
  return dirs.find((d) => real === d || real.startsWith(d.endsWith(sep) ? d : d + sep));
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/**
 * Where file-log may write `path` on this data plane: inside one of `dirs` (absolute, symlinks
 * resolved). A relative path is taken inside the first directory. The directory part is resolved
 * (symlinks, `..`) and must land inside an allowed directory (a directory that does not exist yet
 * is accepted there: writes fail, logged, until it is created); an existing file must be a regular
 * file, and a final symlink must point to one inside an allowed directory. Returns the resolved
 * path and its allowed directory, or why the path is refused.
 */
export function placeLogFile(
  path: string,
  dirs: readonly string[],
): { path: string; dir: string } | { error: string } {
  const first = dirs[0];
  if (first === undefined) return { error: "file-log has no allowed directory on this data plane" };
  const where = dirs.join(", ");
  const outside = {
    error: `is outside the data plane's log directories (${where}; --file-log-dir)`,
  };
  const abs = isAbsolute(path) ? resolve(path) : resolve(first, path);
  // the deepest existing directory is resolved (symlinks); directories that do not exist yet are
  // plain names below it (`..` is gone after resolve): the writer reports them until created
  let existing = dirname(abs);
  const missing: string[] = [];
  let real: string;
  for (;;) {
    try {
      real = realpathSync(existing);
      break;
    } catch (err) {
      if (code(err) !== "ENOENT" || dirname(existing) === existing) {
        if (allowedDirOf(existing, dirs) === undefined) return outside;
        return { error: `directory ${dirname(abs)} cannot be used (${code(err) ?? "error"})` };
      }
      missing.unshift(basename(existing));
      existing = dirname(existing);
    }
  }
  const parent = join(real, ...missing);
  const dir = allowedDirOf(parent, dirs);
  if (dir === undefined) return outside;
  if (missing.length > 0) return { path: join(parent, basename(abs)), dir };
  const target = join(parent, basename(abs));
  let st: Stats;
  try {
    st = lstatSync(target);
  } catch (err) {
    if (code(err) === "ENOENT") return { path: target, dir }; // created on first write
    return { error: `cannot be used (${code(err) ?? "error"})` };
  }
  if (st.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(target);
    } catch {
      return { error: "is a symbolic link to a missing file" };
    }
    const realDir = allowedDirOf(real, dirs);
    if (realDir === undefined) return { error: `is a symbolic link to a file ${outside.error}` };
    const kind = specialKind(statSync(real));
    if (kind !== null) return { error: `is a symbolic link to ${kind}, not a regular file` };
    return { path: real, dir: realDir };
  }
  const kind = specialKind(st);
  if (kind !== null) return { error: `is ${kind}, not a regular file` };
  return { path: target, dir };
}
