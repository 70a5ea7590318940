const REPLY = Symbol.for("orgs.reply");

export interface ReplyValue { [REPLY]: true; status?: number; body?: unknown; headers?: Record<string, string> }

/** A handler result with a status or headers of its own (a plain return value is the body). */
export function reply(r: { status?: number; body?: unknown; headers?: Record<string, string> }): ReplyValue {
  return { [REPLY]: true, ...r };
}

export const isReply = (v: unknown): v is ReplyValue => typeof v === "object" && v !== null && REPLY in v;
