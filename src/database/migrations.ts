import { Foundation1764417600000 } from '../../migrations/1764417600000-Foundation';

/** Every migration, oldest first. A new file in migrations/ is added here too. */
export const MIGRATIONS = [Foundation1764417600000];
