// Which failures of the database are "the connection went" (503, retry), and when a failed COMMIT
// leaves the outcome unknown (503 that says the change may have been applied).
import { DatabaseError } from "pg";
import { describe, expect, it } from "vitest";
import { toApiError } from "../http/problems";
import { commitError, DatabaseUnavailable, isConnectionError } from "./unavailable";

const sqlError = (code: string) => Object.assign(new DatabaseError("refused", 0, "error"), { code });
const log = () => ({ warn: () => {}, error: () => {} });

describe("connection errors", () => {
  it.each([
    ["node-postgres: the connection ended", new Error("Connection terminated unexpectedly")],
    ["node-postgres: a broken client", new Error("Client has encountered a connection error and is not queryable")],
    ["pg-pool: no connection in time", new Error("timeout exceeded when trying to connect")],
    ["a socket error", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["Node's happy eyeballs", new AggregateError([new Error("connect ECONNREFUSED ::1:5432")])],
  ])("%s is one", (_, err) => {
    expect(isConnectionError(err)).toBe(true);
  });

  it.each([
    ["PostgreSQL's answer", sqlError("23505")],
    ["a bug", new TypeError("cannot read properties of undefined")],
  ])("%s is not", (_, err) => {
    expect(isConnectionError(err)).toBe(false);
  });
});

describe("a failed COMMIT", () => {
  it.each([
    ["no answer", new Error("Connection terminated unexpectedly")],
    ["a shutdown", sqlError("57P01")],
    ["a crash of another backend", sqlError("57P02")],
    ["a connection failure", sqlError("08006")],
  ])("%s: the outcome is unknown, and the 503 says the change may have been applied", (_, err) => {
    const e = commitError(err);
    expect(DatabaseUnavailable.isInstance(e) && e.commitUnknown).toBe(true);
    const problem = toApiError(e, log());
    expect(problem).toMatchObject({ code: "unavailable", status: 503, extra: { headers: { "retry-after": "1" } } });
    expect(problem.detail).toMatch(/may have been applied\. Retry with the same Idempotency-Key/);
  });

  it.each(["40001", "23505"])("PostgreSQL's refusal %s: nothing was written, the error stays as it is", (code) => {
    const err = sqlError(code);
    expect(commitError(err)).toBe(err);
  });

  it("a connection lost before COMMIT: 503 saying nothing was changed", () => {
    const problem = toApiError(new DatabaseUnavailable(new Error("Connection terminated unexpectedly")), log());
    expect(problem).toMatchObject({ code: "unavailable", status: 503 });
    expect(problem.detail).toMatch(/nothing was changed/);
  });
});
