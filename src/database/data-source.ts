import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { buildDataSourceOptions } from './data-source-options';

/**
 * The data source of the TypeORM CLI (`npm run migration:generate`, `migration:check`). It needs a
 * running PostgreSQL in DATABASE_URL; `npm run migration:run` also works on the embedded engine.
 */
const { config } = loadConfig();
if (config.database.url === undefined) {
  throw new Error('The TypeORM CLI needs DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/licensor');
}
export default new DataSource(buildDataSourceOptions(config.database.url, 2));
