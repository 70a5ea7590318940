import type { Handlers } from "../context";

export const teamHandlers = {} satisfies Partial<Handlers>;
