// The SDK classes as a Pulumi program uses them (compiled dist/, under pulumi.runtime.setMocks):
// what they register, that each serialized provider is small and captures nothing but its
// loader, that it is exactly what the host tests send, and that the Args types match api/pulumi.ts.
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as pulumiT from "@pulumi/pulumi";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { Permission } from "../api/common";
import type * as P from "../api/pulumi";
import type * as S from "../api/pulumi-sets";
import type * as sdkT from "../sdk";
import { ROOT, TYPES, providerText, type Kind } from "./support/engine";

const load = createRequire(join(ROOT, "package.json"));
// What the provider would answer besides the inputs (each resource's state carries them all here).
const SERVER_OUTPUTS = {
  status: "invited",
  invitationExpiresAt: "2026-12-13T00:00:00.000Z",
  defaultTeamId: "team_default",
  sandboxEnvironmentId: "env_sandbox",
};

describe("sdk", () => {
  it("registers each resource with its outputs and a small serialized provider", async () => {
    const pulumi = load("@pulumi/pulumi") as typeof pulumiT;
    const sdk = load("./dist/sdk/index.js") as typeof sdkT;
    const registered: { type: string; name: string; inputs: Record<string, any> }[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: { ...args.inputs, version: 1, ...SERVER_OUTPUTS } };
        },
        call: () => ({}),
      },
      "orgs-test",
      "dev",
      false,
    );
    const org = new sdk.Organization("o", { slug: "acme", name: "Acme", region: "eu" });
    const project = new sdk.Project("p", { organization: org.id, name: "api" });
    const role = new sdk.Role("r", { organization: org.id, name: "Dev", permissions: ["members"] });
    const team = new sdk.Team("t", { organization: org.id, name: "Ops" });
    const member = new sdk.Member("m", { organization: org.id, email: "a@example.test", roles: [role.roleId], teams: [team.teamId] });
    new sdk.ProjectAccess("g", { project: project.id, member: member.memberId, level: "viewer", environmentRoles: { live: null } });
    const members = new sdk.Members("ms", { organization: org.id, members: { "b@example.test": { roles: ["Dev"] } } });
    new sdk.ProjectAccessSet("gs", { project: project.id, teams: { Ops: { level: "admin" } } });
    await new Promise<void>((resolve) => org.version.apply(() => resolve()));
    await new Promise((r) => setTimeout(r, 200));

    const kinds: Record<string, Kind> = Object.fromEntries(Object.entries(TYPES).map(([k, t]) => [`pulumi-nodejs:dynamic/orgs:${t}`, k as Kind]));
    expect(registered.map((r) => r.type).sort()).toEqual(Object.keys(kinds).sort());
    for (const r of registered) {
      const kind = kinds[r.type]!;
      const text: string = r.inputs.__provider;
      expect(typeof text).toBe("string");
      // The loader and two strings: no zod, no undici, no client state in the state file.
      expect(text.length).toBeLessThan(4000);
      expect(text).toContain(`name: "${kind}"`);
      expect(text).toContain(`dist/provider/${kind}.js`);
      expect(text).not.toMatch(/zod|undici|OrgsClient/);
      // The host tests send exactly this.
      expect(text).toBe(await providerText(kind));
    }
    const m = registered.find((r) => r.name === "m")!;
    expect(Object.keys(m.inputs)).toEqual(expect.arrayContaining(["organization", "email", "roles", "teams"]));
    // The classes hand the provider's outputs to the program under their own names.
    const value = <T>(o: pulumiT.Output<T>) => new Promise<T>((resolve) => o.apply((v) => (resolve(v), v)));
    expect(await value(member.status)).toBe(SERVER_OUTPUTS.status);
    expect(await value(member.invitationExpiresAt)).toBe(SERVER_OUTPUTS.invitationExpiresAt);
    expect(await value(org.defaultTeamId)).toBe(SERVER_OUTPUTS.defaultTeamId);
    expect(await value(project.sandboxEnvironmentId)).toBe(SERVER_OUTPUTS.sandboxEnvironmentId);
    expect(await value(members.members)).toEqual({ "b@example.test": { roles: ["Dev"] } });
    // Outputs derived from the ID (PULUMI_RESOURCES idOutputs: part 0 of "m-id"), not from the state, stay known in a preview.
    expect(await value(member.organizationId)).toBe("m-id");
  });

  it("types every Args like the inputs of api/pulumi.ts", () => {
    type Plain<T> = pulumiT.Unwrap<T>;
    expectTypeOf<sdkT.Permission>().toEqualTypeOf<z.infer<typeof Permission>>();
    expectTypeOf<Plain<sdkT.OrganizationArgs>>().toEqualTypeOf<z.input<typeof P.OrganizationInputs>>();
    expectTypeOf<Plain<sdkT.ProjectArgs>>().toEqualTypeOf<z.input<typeof P.ProjectInputs>>();
    expectTypeOf<Plain<sdkT.RoleArgs>>().toEqualTypeOf<z.input<typeof P.RoleInputs>>();
    expectTypeOf<Plain<sdkT.TeamArgs>>().toEqualTypeOf<z.input<typeof P.TeamInputs>>();
    expectTypeOf<Plain<sdkT.MemberArgs>>().toEqualTypeOf<z.input<typeof P.MemberInputs>>();
    expectTypeOf<Plain<sdkT.ProjectAccessArgs>>().toEqualTypeOf<z.input<typeof P.ProjectAccessInputs>>();
    expectTypeOf<Plain<sdkT.MembersArgs>>().toEqualTypeOf<z.input<typeof S.MembersInputs>>();
    expectTypeOf<Plain<sdkT.ProjectAccessSetArgs>>().toEqualTypeOf<z.input<typeof S.ProjectAccessSetInputs>>();
  });
});
