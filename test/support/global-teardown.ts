import { dropDatabase, templateDatabaseName } from './database';

export default async function globalTeardown(): Promise<void> {
  await dropDatabase(templateDatabaseName());
}
