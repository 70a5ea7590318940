import type { Handlers } from "../context";

export const invitationHandlers = {} satisfies Partial<Handlers>;
