// Errors → problems: each Fastify error a request can cause keeps a catalogue code of its own
// (no longer malformed_json for every 4xx), database troubles are 503, anything else 500.
import { errorCodes } from "fastify";
import { describe, expect, it, vi } from "vitest";
import { ERRORS } from "../../api/errors";
import { ApiError } from "../errors";
import { FASTIFY_ERRORS, clientProblem, toApiError } from "./problems";

const log = () => ({ warn: vi.fn(), error: vi.fn() });

describe("Fastify's errors, by their code", () => {
  it.each([
    ["FST_ERR_CTP_BODY_TOO_LARGE", new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), "payload_too_large", 413],
    ["FST_ERR_CTP_INVALID_MEDIA_TYPE", new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), "unsupported_media_type", 415],
    ["FST_ERR_CTP_INVALID_CONTENT_LENGTH", new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(), "malformed_request", 400],
    ["FST_ERR_CTP_EMPTY_JSON_BODY", new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), "malformed_json", 400],
    ["FST_ERR_CTP_INVALID_JSON_BODY", new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), "malformed_json", 400],
    ["FST_ERR_NOT_FOUND", new errorCodes.FST_ERR_NOT_FOUND(), "not_found", 404],
    ["FST_ERR_BAD_URL", new errorCodes.FST_ERR_BAD_URL("/%zz"), "not_found", 404],
    ["FST_ERR_MAX_PARAM_LENGTH", new errorCodes.FST_ERR_MAX_PARAM_LENGTH("/x"), "not_found", 404],
  ] as const)("%s is %s", (fastifyCode, err, code, status) => {
    expect(err.code).toBe(fastifyCode);
    expect(clientProblem(err)).toMatchObject({ code, status, detail: FASTIFY_ERRORS[fastifyCode]![1] });
  });

  it("maps every code of the table to a catalogue code, each a real Fastify error", () => {
    for (const [fastifyCode, [code]] of Object.entries(FASTIFY_ERRORS)) {
      expect(errorCodes, fastifyCode).toHaveProperty(fastifyCode);
      expect(ERRORS, fastifyCode).toHaveProperty(code);
    }
  });

  it("keeps the details tests and clients know", () => {
    expect(clientProblem(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())?.detail).toBe("the body is larger than 1 MiB");
    expect(clientProblem(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE())?.detail).toBe("send the body as application/json");
    expect(clientProblem(new errorCodes.FST_ERR_MAX_PARAM_LENGTH("/x"))?.detail).toBe("no such path: a path segment is longer than any ID");
    expect(clientProblem(new errorCodes.FST_ERR_BAD_URL("/%zz"))?.detail).toBe("no such path: the URL cannot be decoded");
  });
});

describe("other client errors, by their status", () => {
  it.each([
    [{ statusCode: 400, code: "ECONNRESET", message: "aborted" }, "malformed_request", 400, "the request cannot be handled: aborted"],
    [{ statusCode: 400, message: "" }, "malformed_request", 400, "the request cannot be handled: HTTP 400"],
    [{ statusCode: 404, message: "gone" }, "not_found", 404, "the request cannot be handled: gone"],
    [{ statusCode: 405 }, "method_not_allowed", 405, "the request cannot be handled: HTTP 405"],
    [{ statusCode: 408 }, "request_timeout", 408, undefined],
    [{ statusCode: 413 }, "payload_too_large", 413, undefined],
    [{ statusCode: 414, code: "SOMETHING_NEW" }, "malformed_request", 400, undefined],
    [{ statusCode: 415 }, "unsupported_media_type", 415, undefined],
    [{ statusCode: 431 }, "headers_too_large", 431, undefined],
    [{ statusCode: 418 }, "malformed_request", 400, undefined],
  ] as const)("%j is %s", (err, code, status, detail) => {
    expect(clientProblem(Object.assign(new Error(), err))).toMatchObject({ code, status, ...(detail ? { detail } : {}) });
  });

  it.each([
    ["a 5xx", { statusCode: 503 }],
    ["no status", { code: "23505" }],
    ["not an object", "boom"],
    ["null", null],
    ["an inherited name as its code", { code: "toString" }],
  ])("%s is not a client error", (_, err) => {
    expect(clientProblem(err)).toBeUndefined();
  });
});

describe("toApiError", () => {
  it("answers an ApiError as raised", () => {
    const e = new ApiError("last_team", "keep one team");
    expect(toApiError(e, log())).toBe(e);
  });

  it("answers a client error without logging", () => {
    const l = log();
    expect(toApiError(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), l).code).toBe("unsupported_media_type");
    expect(l.warn).not.toHaveBeenCalled();
    expect(l.error).not.toHaveBeenCalled();
  });

  it("answers a unique violation as already_exists", () => {
    expect(toApiError(Object.assign(new Error("dup"), { code: "23505" }), log())).toMatchObject({ code: "already_exists", status: 409 });
  });

  it.each(["57P01", "08006", "53300", "40001", "40P01", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"])(
    "answers database trouble %s as 503 with Retry-After, logged as a warning",
    (code) => {
      const l = log();
      const problem = toApiError(Object.assign(new Error("gone"), { code }), l);
      expect(problem).toMatchObject({ code: "unavailable", status: 503, extra: { headers: { "retry-after": "1" } } });
      expect(l.warn).toHaveBeenCalledOnce();
    },
  );

  it.each([new TypeError("cannot read properties of undefined"), "a string", undefined])(
    "answers anything else (%s) as 500 internal, logged as an error, without its message",
    (err) => {
      const l = log();
      const problem = toApiError(err, l);
      expect(problem).toMatchObject({ code: "internal", status: 500 });
      expect(problem.detail).not.toContain("cannot read");
      expect(l.error).toHaveBeenCalledOnce();
    },
  );
});
