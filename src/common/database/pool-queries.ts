import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * One statement on the connection pool under the DataSource, without TypeORM's query runner, for the hot paths
 * (a license check, a storefront's authentication): measured here, TypeORM spent about 75 µs of CPU per raw
 * query where `pg` alone spent 30, on a route whose whole budget is a few hundred. Outside transactions only
 * (a transaction's queries go through its EntityManager). A failure is thrown as TypeORM's QueryFailedError,
 * as every other query's.
 *
 * Used inside repositories only, by a method whose name says it reads on the pool (`licenseFactsOnPool`), beside
 * the one that takes an EntityManager: never a service, and never an optional manager that switches connection
 * (docs/development.md, "Data access").
 */
@Injectable()
export class PoolQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `name` prepares the statement once per connection and reuses its plan: PostgreSQL then neither parses nor
   * plans it again, which made checks about 15 % faster in the benchmark.
   */
  async query<Row extends QueryResultRow>(text: string, values: unknown[], name?: string): Promise<Row[]> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const prepared = name === undefined ? {} : { name };
    try {
      return (await pool.query<Row>({ text, values, ...prepared })).rows;
    } catch (error) {
      throw new QueryFailedError(text, values, error as Error);
    }
  }
}
