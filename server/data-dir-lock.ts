// One orgs-server per data directory. PGlite is a single-process database: a second process on the
// same files aborts, or worse, writes beside the first. The lock is a file in the directory holding
// the owner's pid, created exclusively. A lock whose process is gone (kill -9, a crash, a power
// cut) is stale and taken over, so a restart after a crash is never blocked.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "orgs-server.pid";

export class DataDirInUse extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the data directory ${dir} is in use by another orgs-server (pid ${pid}): stop it, or give this one another --data-dir ` +
        `(if pid ${pid} is no orgs-server, delete ${join(dir, LOCK_FILE)})`,
    );
  }
}

/** Takes the directory's lock or throws DataDirInUse; returns the function that releases it. */
export function lockDataDir(dir: string, pid = process.pid): () => void {
  const path = join(dir, LOCK_FILE);
  // Written beside and linked into place: link fails when the lock exists, and a lock is never
  // seen half-written.
  const mine = `${path}.${pid}.new`;
  writeFileSync(mine, `${pid}\n`);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(mine, path);
        return () => release(path, pid);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const holder = readPid(path);
      if (holder !== undefined && holder !== pid && alive(holder)) throw new DataDirInUse(dir, holder);
      takeOver(path, holder);
    }
    throw new Error(`could not lock the data directory ${dir}: ${path} keeps changing; is another orgs-server starting?`);
  } finally {
    unlinkSync(mine);
  }
}

/**
 * Moves a stale lock aside. Two servers starting over the same stale lock may both get here; the
 * rename is atomic, and one that moved a fresh lock instead (the other server's) puts it back.
 */
function takeOver(path: string, stale: number | undefined): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  if (readPid(aside) !== stale) {
    try {
      linkSync(aside, path);
    } catch {
      // a third server locked meanwhile: its lock stands
    }
  }
  unlinkSync(aside);
}

function release(path: string, pid: number): void {
  try {
    if (readPid(path) === pid) unlinkSync(path);
  } catch {
    // already gone: nothing to release
  }
}

function readPid(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 checks that a process exists; EPERM means it exists under another user. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
