/**
 * One SQL statement built of steps, data-modifying `WITH` queries each written by the repository of its table, so that
 * a change that writes several tables (an order: its row, its licenses, their domains, history events and webhook
 * events) costs one round trip to the database, and commits or fails as a whole even outside a transaction.
 *
 * Values are passed as parameters, numbered as they are added; a step that writes many rows takes arrays
 * (`unnest`), so the text depends on the steps only, never on how many rows they write. Every step runs to
 * completion whether the main query reads it or not; a step that must write only when another one did names it
 * (`onlyIf`) and selects from it. All steps see the database as it was when the statement began: none sees
 * another's rows, except through its `RETURNING`.
 */
export class CombinedStatement {
  private readonly steps: string[] = [];
  private readonly names = new Set<string>();
  private readonly parameters: unknown[] = [];

  /** A placeholder (`$n`) for `value`. */
  value(value: unknown): string {
    this.parameters.push(value);
    return `$${this.parameters.length}`;
  }

  /** Adds the step `name AS (sql)`; its name is what later steps select from. */
  step(name: string, sql: string): void {
    if (this.names.has(name)) throw new Error(`The statement has a step "${name}" already.`);
    this.names.add(name);
    this.steps.push(`"${name}" AS (${sql})`);
  }

  /** Whether a step of that name was added. */
  has(name: string): boolean {
    return this.names.has(name);
  }

  /** The statement's text with `select` as its main query, and its parameters. */
  build(select: string): { text: string; values: unknown[] } {
    if (this.steps.length === 0) throw new Error('A combined statement needs at least one step.');
    return { text: `WITH ${this.steps.join(',\n')}\n${select}`, values: [...this.parameters] };
  }
}

/** `WHERE EXISTS (…)` for a step that writes only when the step `onlyIf` returned a row; nothing without one. */
export function whenStepWrote(onlyIf: string | undefined): string {
  return onlyIf === undefined ? '' : `WHERE EXISTS (SELECT 1 FROM "${onlyIf}")`;
}
