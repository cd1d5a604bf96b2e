/**
 * Runs every clean-up step, also after one failed (a service left running or a database left behind would spoil
 * later files), then fails with the first error.
 */
export async function runEveryStep(steps: (() => unknown)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}
