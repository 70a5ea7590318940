// Help for wrong guesses: the nearest command or flag to what was typed, and the product's other
// words for a command (invite for add, remove for delete).

/** Edit distance with transpositions (optimal string alignment): "lsit" is one step from "list". */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidates close to `word`, best first: one typo away (two for longer words), or `word` cut
 * short (--perm for --permission).
 */
export function nearest(word: string, candidates: readonly string[], max = 3): string[] {
  const limit = word.length >= 8 ? 2 : 1;
  return candidates
    .map((c) => ({ c, d: c.startsWith(word) && word.length >= 3 ? 0.5 : distance(word.toLowerCase(), c.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((x) => x.c);
}

/** Other words people use for a command's verb, as in organization:user:invite. */
const SYNONYMS: Record<string, string[]> = {
  add: ["invite", "create", "new"],
  create: ["add", "new", "make"],
  delete: ["remove", "rm", "del", "destroy"],
  remove: ["delete", "rm", "del"],
  revoke: ["delete", "remove", "rm"],
  list: ["ls", "all", "show"],
  get: ["show", "view", "info", "describe"],
  info: ["get", "show", "view", "set"],
  update: ["set", "edit", "change", "modify"],
  grant: ["add", "give", "set"],
};

/** Commands whose last word is another word for the last word typed (organization:user:invite → …:add). */
export function synonymsOf(name: string, commands: readonly string[]): string[] {
  const i = name.lastIndexOf(":");
  const [head, verb] = i < 0 ? ["", name] : [name.slice(0, i + 1), name.slice(i + 1)];
  return Object.entries(SYNONYMS)
    .filter(([, others]) => others.includes(verb))
    .map(([canonical]) => head + canonical)
    .filter((c) => commands.includes(c));
}
