// TEMPORARY during the build-out: operations whose handlers are being written answer 501.
import type { OperationId } from "../../api/routes";
import type { Handlers } from "../context";

const pending = (op: OperationId) => async () => {
  throw Object.assign(new Error(`${op} is not built yet`), { statusCode: 501 });
};
const OPS = [
  "listTokens", "createToken", "deleteToken", "enrollTwoFactor", "confirmTwoFactor", "disableTwoFactor",
  "listAuditEvents", "getAuditEvent",
] as const satisfies readonly OperationId[];

export const pendingHandlers = Object.fromEntries(OPS.map((op) => [op, pending(op)])) as unknown as Pick<Handlers, (typeof OPS)[number]>;
