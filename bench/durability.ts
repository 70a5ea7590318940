// The durability settings of the PostgreSQL a bench measured, printed beside its figures: a server
// that acknowledges commits before their WAL is on disk (synchronous_commit=off, fsync=off) is
// faster, and loses acknowledged writes in a crash, so its figures are not PostgreSQL's as run for real.
export async function postgresDurability(url: string): Promise<string> {
  const { Client } = await import("pg");
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const settings = ["fsync", "synchronous_commit", "full_page_writes"];
    // One statement: queries on one client run one at a time anyway, and pg 9 refuses a second
    // query while one is under way (pg 8 warns, which `./dev bench server` printed).
    const { rows } = await c.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name = ANY($1)", [settings]);
    const values = settings.map((s) => `${s}=${rows.find((r) => r.name === s)?.setting}`);
    const durable = values.every((v) => !v.endsWith("=off"));
    return `${values.join(", ")} (${durable ? "durable" : "NOT durable: acknowledged commits can be lost in a crash; these figures flatter PostgreSQL"})`;
  } finally {
    await c.end();
  }
}
