// The one parse step: path parameters screened, query and body parsed by the route table's schemas,
// failures as problems whose errors[] name the fields.
import { describe, expect, it } from "vitest";
import { routes } from "../../api/routes";
import { parseInput } from "./validation";

const createTeam = routes.createTeam;
const listTeams = routes.listTeams;
const params = { org: "org_1" };

function problemOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    return e as { code: string; status: number; detail: string; extra: { errors?: { field: string; code: string; message: string }[] } };
  }
  throw new Error("expected a problem");
}

describe("parseInput", () => {
  it("passes the parsed body and query on, with the schemas' defaults", () => {
    expect(parseInput<"createTeam">(createTeam, { params, query: {}, body: { name: "Platform" } })).toEqual({
      params,
      query: undefined,
      body: { name: "Platform" },
    });
    expect(parseInput<"listTeams">(listTeams, { params, query: { limit: "5" }, body: undefined })).toEqual({ params, query: { limit: 5 }, body: undefined });
    expect(parseInput<"listTeams">(listTeams, { params, query: undefined, body: undefined }).query).toEqual({ limit: 30 });
  });

  it.each([
    [
      "a NUL in a path parameter",
      { params: { org: "org_\0" }, query: {}, body: { name: "x" } },
      createTeam,
      "not_found",
      404,
      undefined,
      "no such resource: the path holds characters no ID has",
    ],
    [
      "an unpaired surrogate in a path parameter",
      { params: { org: "\ud800" }, query: {}, body: { name: "x" } },
      createTeam,
      "not_found",
      404,
      undefined,
      undefined,
    ],
    ["no body where one is required", { params, query: {}, body: undefined }, createTeam, "validation_failed", 422, "", "a JSON body is required"],
    ["a missing field", { params, query: {}, body: {} }, createTeam, "validation_failed", 422, "/name", "name: is required"],
    [
      "an unknown field",
      { params, query: {}, body: { name: "x", colour: "red" } },
      createTeam,
      "validation_failed",
      422,
      "/colour",
      "colour: is not a known field",
    ],
    ["a NUL in a body string", { params, query: {}, body: { name: "a\0b" } }, createTeam, "validation_failed", 422, "/name", undefined],
    ["a body that is not an object", { params, query: {}, body: [1] }, createTeam, "validation_failed", 422, "", undefined],
    ["a query parameter out of range", { params, query: { limit: "500" }, body: undefined }, listTeams, "invalid_query", 400, "/limit", undefined],
    ["a NUL in a query parameter", { params, query: { cursor: "a\0" }, body: undefined }, listTeams, "invalid_query", 400, "/cursor", undefined],
  ] as const)("%s: %s", (_, req, route, code, status, field, detail) => {
    const p = problemOf(() => parseInput(route, req));
    expect(p).toMatchObject({ code, status });
    if (field !== undefined) expect(p.extra.errors?.[0]?.field).toBe(field);
    if (detail !== undefined) expect(p.detail).toBe(detail);
  });
});
