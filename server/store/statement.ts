// One SQL statement built from parts (the CTEs of a write that folds several rows into one round
// trip): each value added gets the next `$n`, so parts written apart never number them twice.
// Values are always parameters; only the parts' own SQL text is spliced.
export class Statement {
  readonly values: unknown[] = [];

  /** The placeholder of `value`, added as the next parameter. */
  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
