import type { Handlers } from "../context";

export const auditHandlers = {} satisfies Partial<Handlers>;
