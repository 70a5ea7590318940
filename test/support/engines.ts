// The databases a test file runs on: PGlite always, PostgreSQL when ORGS_TEST_POSTGRES_URL is set;
// without it, a skipped test says what did not run and why.
import { it } from "vitest";
import { postgresUrl } from "./server";

export function databaseEngines(what: string): { name: string; postgres: boolean }[] {
  if (!postgresUrl()) it.skip(`${what} on PostgreSQL: ORGS_TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)`, () => {});
  return [{ name: "PGlite", postgres: false }, ...(postgresUrl() ? [{ name: "PostgreSQL", postgres: true }] : [])];
}
