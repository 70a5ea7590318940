// Generates the OpenAPI 3.1 document from the route table. Served at GET /v1/openapi.json.
import { z } from "zod";
import { Problem } from "./common";
import { ERRORS } from "./errors";
import { pathParams, routes, type RouteDef } from "./routes";

const schema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { io, unrepresentable: "any" });

export function openApiDocument(version = "0.1.0") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, r] of Object.entries(routes) as [string, RouteDef][]) {
    const parameters: unknown[] = pathParams(r.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
    if (r.query) {
      const js = schema(r.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: "query", required: js.required?.includes(name) ?? false, schema: s });
      }
    }
    const responses: Record<string, unknown> = {};
    const ok = String(r.status ?? 200);
    responses[ok] = r.response
      ? { description: "OK", content: { "application/json": { schema: schema(r.response, "output") } } }
      : { description: "No content" };
    for (const code of r.errors ?? []) {
      const status = String(ERRORS[code].status);
      const existing = responses[status] as { description: string } | undefined;
      responses[status] = {
        description: existing ? `${existing.description}; ${code}` : code,
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
    if (r.auth !== "none") responses["401"] = { description: "unauthenticated", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
    responses["429"] = { description: "rate_limited", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
    const op: Record<string, unknown> = { operationId, summary: r.summary, parameters, responses };
    if (r.auth === "none") op.security = [];
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: schema(r.body, "input") } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: { title: "orgs API", version, description: "Organizations, projects, roles, teams, members and project access. Generated from api/ — do not edit." },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Problem: schema(Problem, "output") },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
