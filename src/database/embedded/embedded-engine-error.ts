/** The embedded engine cannot start; the message says why and what to do, for the operator. */
export class EmbeddedEngineError extends Error {
  override readonly name = 'EmbeddedEngineError';
}
