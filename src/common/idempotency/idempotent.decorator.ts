import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblems } from '../http/api-problems.decorator';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENT_REPLAYED_HEADER } from './idempotency.rules';

/**
 * Makes a state-changing POST handler accept an `Idempotency-Key` header, so a client can retry it safely.
 *
 * - Without the header the request runs as usual.
 * - A key is 1–255 printable ASCII characters; another form is 400 VALIDATION_FAILED with the field
 *   `Idempotency-Key`.
 * - Keys are scoped by caller (the staff user or the storefront API client) and by operation (method + route
 *   template): two callers may use the same key independently, and so may one caller on two operations.
 * - The request's fingerprint is the SHA-256 of the canonical JSON (object keys sorted) of the method, the
 *   route with its actual parameters, the query and the body.
 * - The same key with the same fingerprint replays the first answer: same status and body, plus the header
 *   `Idempotent-Replayed: true`, and no new effect. Other headers of the first answer are not replayed. The same
 *   key with another fingerprint is 422 IDEMPOTENCY_KEY_REUSED.
 * - Concurrent requests with one key produce one effect: the key row is inserted, the handler runs and its answer
 *   is stored in ONE transaction (TransactionRunner.run; the service's own TransactionRunner.run joins it, so every
 *   query of the handler must go through the transaction's manager). PostgreSQL makes a concurrent insert of the
 *   same key wait for that transaction to end; it then replays the committed answer.
 * - When the handler fails, everything rolls back: errors are not stored and the key is free for a retry.
 * - A key expires 24 hours after its first use; after that it is treated as unknown and a request with it runs
 *   again, overwriting it. Expired keys are deleted now and then.
 * - Stored answers are kept in the database in clear for those 24 hours: never put it on an endpoint whose answer
 *   carries a secret (an API key, a webhook signing secret).
 * - Only for routes with an authenticated caller (not `@Public()`).
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        'Makes a retry safe: the same key with the same request replays the first answer (same status and body, ' +
        `with \`${IDEMPOTENT_REPLAYED_HEADER}: true\`) instead of acting again; the same key with another request ` +
        'is 422 IDEMPOTENCY_KEY_REUSED. Keys are per caller and operation and expire after 24 hours. ' +
        'A failed request is not stored.',
      schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH, pattern: '^[\\x20-\\x7E]+$' },
    }),
    ApiProblems('IDEMPOTENCY_KEY_REUSED'),
  );
}
