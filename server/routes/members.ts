import type { Handlers } from "../context";

export const memberHandlers = {} satisfies Partial<Handlers>;
