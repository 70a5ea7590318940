"""An orgs program in Python, run as an Automation API inline program with the generated SDK
(pulumi_orgs, sdks/python) and the provider plugin pulumi-resource-orgs.

    python program.py preview|up|preview-clean|preview-refresh|up-refresh|destroy

runs one operation on the stack, as a separate `pulumi` command would, and prints one JSON line:
the operation's summary, change summary, outputs and what the engine printed. The stack lives in
ORGS_E2E_DIR (a file backend and a PULUMI_HOME of its own); ORGS_E2E_PULUMI_ROOT is the directory
whose bin/ holds the CLI; orgs:apiUrl and orgs:apiToken (secret) come from ORGS_API_URL and
ORGS_API_TOKEN; ORGS_E2E_SLUG names the organization; ORGS_E2E_EXPLICIT_TOKEN is the explicit
provider's token.
"""

import json
import os
import sys

import pulumi
import pulumi_orgs as orgs
from pulumi import automation as auto

SLUG = os.environ["ORGS_E2E_SLUG"]


def program() -> None:
    org = orgs.Organization("org", slug=SLUG, name="Python Co", region=orgs.Region.EU)
    platform = orgs.Team("platform", organization=org.id, name="Platform", description="Runs the API")
    # References by resource ID (platform.id, "org_…/team_…"): an ID stays known while the engine
    # previews an update of the team, where its other outputs (team_id) read as unknown.
    ada = orgs.Member("ada", organization=org.id, email=f"ada@{SLUG}.test", teams=[platform.id])
    api = orgs.Project("api", organization=org.id, name="api", description="Public API")
    orgs.ProjectAccess("platform-admins-api", project=api.id, team=platform.id, level=orgs.ProjectAccessLevel.ADMIN)
    # An explicit provider with settings of its own (another token of the owner), passed to one
    # resource: the SDK marks api_token secret, so the state holds it only encrypted.
    explicit = orgs.Provider("explicit", api_url=os.environ["ORGS_API_URL"], api_token=os.environ["ORGS_E2E_EXPLICIT_TOKEN"])
    release = orgs.Team("release", organization=org.id, name="Release", opts=pulumi.ResourceOptions(provider=explicit))
    pulumi.export("organizationId", org.id)
    pulumi.export("teamId", platform.team_id)
    pulumi.export("memberId", ada.member_id)
    pulumi.export("projectId", api.id)
    pulumi.export("explicitTeamId", release.team_id)


def stack() -> auto.Stack:
    work = os.environ["ORGS_E2E_DIR"]
    home, backend = os.path.join(work, "home"), os.path.join(work, "state")
    os.makedirs(home, exist_ok=True)
    os.makedirs(backend, exist_ok=True)
    env = {
        "PULUMI_BACKEND_URL": f"file://{backend}",
        "PULUMI_CONFIG_PASSPHRASE": "orgs-e2e",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    }
    s = auto.create_or_select_stack(
        stack_name="dev",
        project_name="orgs-python",
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=work,
            pulumi_home=home,
            env_vars=env,
            project_settings=auto.ProjectSettings(name="orgs-python", runtime="python"),
            pulumi_command=auto.PulumiCommand(root=os.environ["ORGS_E2E_PULUMI_ROOT"]),
        ),
    )
    s.set_all_config(
        {
            "orgs:apiUrl": auto.ConfigValue(os.environ["ORGS_API_URL"]),
            "orgs:apiToken": auto.ConfigValue(os.environ["ORGS_API_TOKEN"], secret=True),
        }
    )
    return s


def main(step: str) -> None:
    s = stack()
    printed: list[str] = []
    common = {"on_output": printed.append, "color": "never"}
    result: dict = {"step": step}
    if step == "preview":
        r = s.preview(diff=True, **common)
        result["change_summary"] = r.change_summary
    elif step == "preview-clean":
        r = s.preview(expect_no_changes=True, **common)
        result["change_summary"] = r.change_summary
    elif step == "preview-refresh":
        r = s.preview(refresh=True, diff=True, **common)
        result["change_summary"] = r.change_summary
    elif step in ("up", "up-refresh"):
        r = s.up(refresh=step == "up-refresh", **common)
        result["result"] = r.summary.result
        result["resource_changes"] = r.summary.resource_changes
        result["outputs"] = {k: v.value for k, v in r.outputs.items()}
    elif step == "destroy":
        r = s.destroy(**common)
        result["result"] = r.summary.result
        result["resource_changes"] = r.summary.resource_changes
    else:
        raise SystemExit(f"unknown step {step!r}: preview, up, preview-clean, preview-refresh, up-refresh or destroy")
    result["output"] = "\n".join(printed)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
