// ApiError: a problem the server answers with its RFC 9457 body. Branded with Symbol.for so that
// identity survives two copies of the package.
import { ERRORS, problemType, type ErrorCode } from "../api/errors";
import { fieldLabel, type Problem } from "../api/common";

type FieldError = NonNullable<Problem["errors"]>[number];
const BRAND = Symbol.for("orgs.ApiError");

export class ApiError extends Error {
  readonly [BRAND] = true;
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail);
    this.status = ERRORS[code].status;
  }
  static isInstance(e: unknown): e is ApiError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
  toProblem(instance: string, requestId: string): Problem {
    const { headers: _h, ...rest } = this.extra;
    return {
      type: problemType(this.code),
      title: ERRORS[this.code].title,
      status: this.status,
      detail: this.detail,
      instance,
      code: this.code,
      request_id: requestId,
      ...rest,
    };
  }
}

/** Throws the catalogued error `code`. */
export function fail(code: ErrorCode, detail: string, extra?: ApiError["extra"]): never {
  throw new ApiError(code, detail, extra);
}

/** A 422 naming one field: `invalid("/region", "region cannot be changed", "immutable_field")`. */
export function invalid(field: string, message: string, code: ErrorCode = "validation_failed", fieldCode: FieldError["code"] = "invalid"): never {
  throw new ApiError(code, `${fieldLabel(field) || "body"}: ${message}`, { errors: [{ field, code: fieldCode, message }] });
}
