import type { Handlers } from "../context";

export const tokenHandlers = {} satisfies Partial<Handlers>;
