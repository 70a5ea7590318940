import type { Handlers } from "../context";

export const projectAccessHandlers = {} satisfies Partial<Handlers>;
