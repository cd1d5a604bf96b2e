import { CombinedStatement, whenStepWrote } from './combined-statement';

describe('CombinedStatement', () => {
  it('numbers the parameters in the order they are added and joins the steps before the main query', () => {
    const statement = new CombinedStatement();
    statement.step('first', `INSERT INTO a (x) VALUES (${statement.value('one')}) RETURNING x`);
    statement.step('second', `INSERT INTO b (y) SELECT ${statement.value([1, 2])}::int[] ${whenStepWrote('first')}`);
    expect(statement.build('SELECT count(*) FROM "first"')).toEqual({
      text:
        'WITH "first" AS (INSERT INTO a (x) VALUES ($1) RETURNING x),\n' +
        '"second" AS (INSERT INTO b (y) SELECT $2::int[] WHERE EXISTS (SELECT 1 FROM "first"))\n' +
        'SELECT count(*) FROM "first"',
      values: ['one', [1, 2]],
    });
    expect(statement.has('second')).toBe(true);
    expect(statement.has('third')).toBe(false);
  });

  it('keeps its text whatever the values are, so that it can be prepared', () => {
    const text = (rows: number[]) => {
      const statement = new CombinedStatement();
      statement.step('rows', `INSERT INTO a (x) SELECT * FROM unnest(${statement.value(rows)}::int[])`);
      return statement.build('SELECT 1').text;
    };
    expect(text([1])).toBe(text([1, 2, 3]));
  });

  it('refuses two steps of one name, and a statement without steps', () => {
    const statement = new CombinedStatement();
    expect(() => statement.build('SELECT 1')).toThrow(/at least one step/);
    statement.step('same', 'SELECT 1');
    expect(() => statement.step('same', 'SELECT 2')).toThrow(/has a step "same"/);
  });

  it('writes unconditionally without a step to depend on', () => {
    expect(whenStepWrote(undefined)).toBe('');
  });
});
