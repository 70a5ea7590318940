// What commands print: aligned tables for people, the API objects as JSON, or CSV for scripts.
// Data goes to stdout; messages for people go to stderr so pipes only carry data.
import { z } from "zod";

export const FORMATS = ["table", "json", "csv"] as const;
export type Format = (typeof FORMATS)[number];

/** A column: header and how to read the cell from an item (a key, or a function). */
export type Column<T = any> = [header: string, get: string | ((item: T) => unknown)];

export interface Writer {
  write(s: string): unknown;
}

export class Output {
  constructor(
    readonly format: Format,
    private readonly stdout: Writer,
    private readonly stderr: Writer,
  ) {}

  /** A list of API objects. */
  list<T>(items: T[], columns: Column<T>[], empty = "Nothing to show."): void {
    if (this.format === "json") return this.json(items);
    const head = columns.map(([h]) => h);
    const rows = items.map((item) => columns.map(([, get]) => cell(item, get)));
    if (this.format === "csv") return this.csv([head.map(csvHeader), ...rows]);
    if (!items.length) return this.note(empty);
    this.stdout.write(table([head, ...rows]));
  }

  /** One API object: a property/value table, or its JSON, or one CSV row. */
  item(obj: object, columns?: Column[]): void {
    if (this.format === "json") return this.json(obj);
    const cols: Column[] = columns ?? Object.keys(flatten(obj)).map((k) => [k, (o: object) => flatten(o)[k]]);
    const pairs = cols.map(([h, get]) => [h, cell(obj, get)]);
    if (this.format === "csv") return this.csv([pairs.map(([h]) => csvHeader(h!)), pairs.map(([, v]) => v!)]);
    this.stdout.write(table([["Property", "Value"], ...pairs]));
  }

  /**
   * What a delete or revoke removed, as it was, marked `deleted: true` (as Stripe's API answers a
   * DELETE), so a script learns what went. A table prints nothing: the note on stderr says it.
   */
  deleted(obj: object): void {
    if (this.format === "table") return;
    this.item({ ...obj, deleted: true });
  }

  /** A create's or update's answer: what happened, for people (stderr), then the object as the API answered it. */
  changed(msg: string, obj: object, columns?: Column[]): void {
    this.note(msg);
    this.item(obj, columns);
  }

  /** A delete's or revoke's answer: what went, for people (stderr), then the object as it was (see deleted()). */
  removed(msg: string, obj: object): void {
    this.note(msg);
    this.deleted(obj);
  }

  /** One property's value, bare (like `organization:info name`). */
  value(v: unknown, name = "value"): void {
    if (this.format === "json") return this.json(v);
    if (this.format === "csv") return this.csv([[name], [text(v)]]);
    this.stdout.write(`${text(v)}\n`);
  }

  /** A line for people on stderr (never mixed into the data). */
  note(msg: string): void {
    this.stderr.write(`${msg}\n`);
  }

  /** Writes one raw line to stdout (streams such as audit:list --follow). */
  line(s: string): void {
    this.stdout.write(`${s}\n`);
  }

  json(v: unknown): void {
    this.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  }

  csv(rows: string[][]): void {
    this.stdout.write(rows.map((r) => r.map(csvField).join(",")).join("\n") + "\n");
  }
}

/**
 * The columns of a resource, from its schema: one per property, nested objects as dotted keys
 * (invitation.expires_at). Unlike flatten(), the columns do not depend on the object, so a CSV
 * row of an invited member has the same columns as an active one's (whose invitation is null).
 */
export function schemaColumns(schema: z.ZodObject, replace: Record<string, Column[]> = {}): Column[] {
  const cols: Column[] = [];
  for (const [key, field] of Object.entries(schema.shape)) {
    if (key in replace) {
      cols.push(...replace[key]!);
      continue;
    }
    const inner = field instanceof z.ZodNullable || field instanceof z.ZodOptional ? field.unwrap() : field;
    if (inner instanceof z.ZodObject) {
      for (const sub of Object.keys(inner.shape)) cols.push([`${key}.${sub}`, (o: Record<string, Record<string, unknown> | null>) => o[key]?.[sub]]);
    } else cols.push([key, key]);
  }
  return cols;
}

/** One level of nesting becomes dotted keys (invitation.expires_at), so objects fit a table. */
export function flatten(obj: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = v2;
    } else out[k] = v;
  }
  return out;
}

function cell(item: any, get: Column[1]): string {
  return text(typeof get === "function" ? get(item) : item?.[get]);
}

export function text(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(text).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ""))));
  return (
    rows
      .map((r, ri) => {
        const cells = r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - width(c))));
        const line = cells.join("  ").trimEnd();
        return ri === 0 ? line.toUpperCase() : line;
      })
      .join("\n") + "\n"
  );
}

// Column widths count code points, so accented names do not skew the alignment.
const width = (s: string) => [...s].length;

const csvHeader = (h: string) => h.toLowerCase().replace(/\s+/g, "_");

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
