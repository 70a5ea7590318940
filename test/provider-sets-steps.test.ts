// The set resources' steps as the shell calls them (provider/steps.ts), as every other resource's
// are: a refusal (a 401 in read, as `pulumi refresh` meets it, or in delete) is one message with
// the advice for the token, never a stack trace in the engine's output. Found while trying to
// reproduce issue 25's "Channel has been shut down" (the sets' modules had no `steps`, so the
// host printed `ProviderError: …` with its stack, and Members.read's 401 had no advice).
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as accessSet from "../provider/access-set";
import * as membersSet from "../provider/members-set";
import { startTestServer, type TestServer } from "./support/server";

let s: TestServer;
let org: { id: string };
let project: { id: string };
beforeAll(async () => {
  s = await startTestServer();
  await s.app.listen({ port: 0, host: "127.0.0.1" });
  const made = await s.orgWithOwner("sets-steps");
  org = made.org;
  project = (await s.call(made.owner.token, "POST", `/v1/organizations/${org.id}/projects`, { name: "api" })).json;
  process.env.ORGS_API_URL = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  process.env.ORGS_API_TOKEN = "omt_not_a_token";
});
afterAll(() => s?.close());

const refusal = async (step: Promise<unknown>) => {
  const e = (await step.then(
    () => undefined,
    (x: unknown) => x,
  )) as Error;
  expect(e, "the step must fail").toBeInstanceOf(Error);
  return e;
};

describe("the set resources' steps", () => {
  for (const [name, m, id] of [
    ["Members", membersSet, () => `${org.id}/members`],
    ["ProjectAccessSet", accessSet, () => `${project.id}/access`],
  ] as const) {
    it(`${name}: a 401 in read and delete is one message with the token's advice and no stack trace`, async () => {
      for (const step of [() => m.steps.read(id(), {}), () => m.steps.delete(id(), {})]) {
        const e = await refusal(step());
        // The token came from ORGS_API_TOKEN here: the advice says so.
        expect(e.message).toMatch(/unauthenticated \(401\): the API token is not valid — the token came from ORGS_API_TOKEN: set a valid one/);
        expect(String(e.stack)).not.toMatch(/\n\s+at /);
      }
    });
  }
});
