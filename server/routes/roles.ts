import type { Handlers } from "../context";

export const roleHandlers = {} satisfies Partial<Handlers>;
