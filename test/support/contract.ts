// Holds an HTTP exchange to openapi.json with validators this project did not write: openapi-backend
// matches the request to its operation, validates JSON bodies by status and header values by their
// schemas; ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) validates the other media types
// against the same dereferenced operation. What openapi-backend passes silently is checked here: a
// status the operation does not declare, a media type it does not declare for that status, a
// required header missing, a body where none is declared.
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type Ajv from "ajv";
import OpenAPIBackend, { SetMatchType, type Operation } from "openapi-backend";

export interface Exchange {
  method: string;
  /** Path and query, as sent. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

type ResponseObject = { headers?: Record<string, { required?: boolean }>; content?: Record<string, { schema?: object }> };

const newAjv = (opts: object = {}) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, ...opts });
  addFormats(ajv);
  return ajv;
};

export class Contract {
  private readonly ajv = newAjv();
  private readonly compiled = new Map<object, ReturnType<Ajv2020["compile"]>>();
  private constructor(private readonly api: OpenAPIBackend) {}

  static async load(document: object): Promise<Contract> {
    const api = new OpenAPIBackend({
      definition: structuredClone(document) as never,
      // Its own document check reads OpenAPI 3.0 only; Redocly lints the document (api/generated.test.ts).
      quick: true,
      // OpenAPI 3.1 schemas are JSON Schema 2020-12, not ajv's default draft-07.
      customizeAjv: (_draft7, opts) => newAjv(opts) as unknown as Ajv,
    });
    await api.init();
    return new Contract(api);
  }

  /** The operation the document gives the request, or undefined. */
  operation(method: string, url: string): Operation | undefined {
    const [path, query = ""] = url.split("?");
    return this.api.router.matchOperation({ method: method.toLowerCase(), path: path!, query, headers: {} });
  }

  /** Every way the exchange differs from the document; empty when it conforms. */
  check(ex: Exchange): string[] {
    const op = this.operation(ex.method, ex.url);
    if (!op) return [`${ex.method} ${ex.url}: no operation in the document`];
    const where = `${op.operationId} ${ex.method} ${ex.url} → ${ex.status}`;
    const responses = op.responses as Record<string, ResponseObject>;
    const declared = responses[ex.status] ?? responses[`${String(ex.status)[0]}XX`] ?? responses.default;
    if (!declared) return [`${where}: status ${ex.status} is not documented (documented: ${Object.keys(responses).join(", ")})`];
    const problems: string[] = [];

    const headers = Object.fromEntries(
      Object.entries(ex.headers)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const typed = this.api.validateResponseHeaders(headers, op, { statusCode: ex.status, setMatchType: SetMatchType.Any });
    for (const e of typed.errors ?? []) problems.push(`${where}: header ${e.instancePath.replace(/^\/headers\//, "")} ${e.message}`);
    for (const [name, h] of Object.entries(declared.headers ?? {})) {
      if (h.required && headers[name.toLowerCase()] === undefined) problems.push(`${where}: required header ${name} is missing`);
    }

    const mediaType = String(headers["content-type"] ?? "")
      .split(";")[0]!
      .trim();
    if (!declared.content) {
      if (ex.body !== "") problems.push(`${where}: a body (${mediaType}) where the document declares none`);
      return problems;
    }
    const media = declared.content[mediaType];
    if (!media) return [...problems, `${where}: media type "${mediaType}" is not documented (documented: ${Object.keys(declared.content).join(", ")})`];
    let body: unknown;
    try {
      body = JSON.parse(ex.body);
    } catch {
      return [...problems, `${where}: the body is not JSON: ${ex.body.slice(0, 100)}`];
    }
    const errors = mediaType === "application/json" ? (this.api.validateResponse(body, op, ex.status).errors ?? []) : this.validate(media.schema ?? {}, body);
    for (const e of errors) problems.push(`${where}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    return problems;
  }

  private validate(schema: object, value: unknown) {
    let fn = this.compiled.get(schema);
    if (!fn) this.compiled.set(schema, (fn = this.ajv.compile(schema)));
    return fn(value) ? [] : (fn.errors ?? []);
  }
}
