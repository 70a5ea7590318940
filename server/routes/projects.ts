import type { Handlers } from "../context";

export const projectHandlers = {} satisfies Partial<Handlers>;
