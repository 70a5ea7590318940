// Every provider step as the shell calls it: its API calls retried within one time bound for the
// whole step, and an expected refusal reported as one message, without a stack trace.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ProviderModule } from "./shell";
import { asReported } from "./errors";

/** The longest a step spends waiting to retry its API calls (429s, 503s, resets), in all. */
export const STEP_RETRY_BUDGET_MS = 5 * 60_000;

const deadlines = new AsyncLocalStorage<number>();

/** When the running step's retries must end (epoch ms), if a step is running. */
export const stepDeadline = (): number | undefined => deadlines.getStore();

/** The module's steps, each bounded and reporting refusals as the engine should show them. */
export function providerSteps(m: ProviderModule): ProviderModule {
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      deadlines.run(Date.now() + STEP_RETRY_BUDGET_MS, async () => {
        try {
          return await fn(...args);
        } catch (e) {
          throw asReported(e);
        }
      });
  return {
    configure: wrap(m.configure),
    check: wrap(m.check),
    diff: wrap(m.diff),
    create: wrap(m.create),
    read: wrap(m.read),
    update: wrap(m.update),
    delete: wrap(m.delete),
  };
}
