import { Foundation1764417600000 } from '../../migrations/1764417600000-Foundation';
import { Licenses1764500000000 } from '../../migrations/1764500000000-Licenses';
import { Webhooks1764500100000 } from '../../migrations/1764500100000-Webhooks';
import { Idempotency1764500200000 } from '../../migrations/1764500200000-Idempotency';

/** Every migration, oldest first. A new file in migrations/ is added here too. */
export const MIGRATIONS = [
  Foundation1764417600000,
  Licenses1764500000000,
  Webhooks1764500100000,
  Idempotency1764500200000,
];
