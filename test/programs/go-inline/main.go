// An orgs program in Go, run as an Automation API inline program with the generated SDK
// (sdks/go, through the replace directive in go.mod) and the provider plugin pulumi-resource-orgs.
//
//	go-inline preview|up|preview-clean|preview-refresh|up-refresh|destroy
//
// runs one operation on the stack, as a separate `pulumi` command would, and prints one JSON line:
// the operation's summary, change summary, outputs and what the engine printed. The stack lives in
// ORGS_E2E_DIR (a file backend and a PULUMI_HOME of its own); ORGS_E2E_PULUMI_ROOT is the
// directory whose bin/ holds the CLI; orgs:apiUrl and orgs:apiToken (secret) come from
// ORGS_API_URL and ORGS_API_TOKEN; ORGS_E2E_SLUG names the organization;
// ORGS_E2E_EXPLICIT_TOKEN is the explicit provider's token. The same program as
// test/programs/python-inline/program.py, so test/support/sdk-programs.ts drives both alike.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"orgs.localhost/sdks/go/orgs"
)

func program(slug string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		org, err := orgs.NewOrganization(ctx, "org", &orgs.OrganizationArgs{
			Slug: pulumi.String(slug), Name: pulumi.String("Go Co"), Region: orgs.RegionEu,
		})
		if err != nil {
			return err
		}
		platform, err := orgs.NewTeam(ctx, "platform", &orgs.TeamArgs{
			Organization: org.ID().ToStringOutput(), Name: pulumi.String("Platform"), Description: pulumi.String("Runs the API"),
		})
		if err != nil {
			return err
		}
		ada, err := orgs.NewMember(ctx, "ada", &orgs.MemberArgs{
			Organization: org.ID().ToStringOutput(), Email: pulumi.String("ada@" + slug + ".test"),
			// References by resource ID (platform.ID(), "org_…/team_…"): an ID stays known while the
			// engine previews an update of the team, where its other outputs (TeamId) read as unknown.
			Teams: pulumi.StringArray{platform.ID().ToStringOutput()},
		})
		if err != nil {
			return err
		}
		api, err := orgs.NewProject(ctx, "api", &orgs.ProjectArgs{
			Organization: org.ID().ToStringOutput(), Name: pulumi.String("api"), Description: pulumi.String("Public API"),
		})
		if err != nil {
			return err
		}
		if _, err := orgs.NewProjectAccess(ctx, "platform-admins-api", &orgs.ProjectAccessArgs{
			Project: api.ID().ToStringOutput(), Team: platform.ID().ToStringOutput(), Level: orgs.ProjectAccessLevelAdmin,
		}); err != nil {
			return err
		}
		// An explicit provider with settings of its own (another token of the owner), passed to one
		// resource: the SDK marks ApiToken secret, so the state holds it only encrypted.
		explicit, err := orgs.NewProvider(ctx, "explicit", &orgs.ProviderArgs{
			ApiUrl: pulumi.String(os.Getenv("ORGS_API_URL")), ApiToken: pulumi.String(os.Getenv("ORGS_E2E_EXPLICIT_TOKEN")),
		})
		if err != nil {
			return err
		}
		release, err := orgs.NewTeam(ctx, "release", &orgs.TeamArgs{
			Organization: org.ID().ToStringOutput(), Name: pulumi.String("Release"),
		}, pulumi.Provider(explicit))
		if err != nil {
			return err
		}
		ctx.Export("organizationId", org.ID())
		ctx.Export("teamId", platform.TeamId)
		ctx.Export("memberId", ada.MemberId)
		ctx.Export("projectId", api.ID())
		ctx.Export("explicitTeamId", release.TeamId)
		return nil
	}
}

func stack(ctx context.Context) (auto.Stack, error) {
	work := os.Getenv("ORGS_E2E_DIR")
	home, backend := filepath.Join(work, "home"), filepath.Join(work, "state")
	for _, dir := range []string{home, backend} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return auto.Stack{}, err
		}
	}
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: os.Getenv("ORGS_E2E_PULUMI_ROOT")})
	if err != nil {
		return auto.Stack{}, err
	}
	s, err := auto.UpsertStackInlineSource(ctx, "dev", "orgs-go", program(os.Getenv("ORGS_E2E_SLUG")),
		auto.WorkDir(work),
		auto.PulumiHome(home),
		auto.Pulumi(cli),
		auto.Project(workspace.Project{Name: "orgs-go", Runtime: workspace.NewProjectRuntimeInfo("go", nil)}),
		auto.EnvVars(map[string]string{
			"PULUMI_BACKEND_URL":                          "file://" + backend,
			"PULUMI_CONFIG_PASSPHRASE":                    "orgs-e2e",
			"PULUMI_SKIP_UPDATE_CHECK":                    "true",
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		}),
	)
	if err != nil {
		return s, err
	}
	err = s.SetAllConfig(ctx, auto.ConfigMap{
		"orgs:apiUrl":   {Value: os.Getenv("ORGS_API_URL")},
		"orgs:apiToken": {Value: os.Getenv("ORGS_API_TOKEN"), Secret: true},
	})
	return s, err
}

func run(ctx context.Context, step string) (map[string]any, error) {
	s, err := stack(ctx)
	if err != nil {
		return nil, err
	}
	var printed bytes.Buffer
	result := map[string]any{"step": step}
	defer func() { result["output"] = printed.String() }()
	outputs := func(m auto.OutputMap) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v.Value
		}
		return out
	}
	preview := func(opts ...optpreview.Option) error {
		r, err := s.Preview(ctx, append(opts, optpreview.ProgressStreams(&printed), optpreview.Color("never"))...)
		result["change_summary"] = r.ChangeSummary
		return err
	}
	switch step {
	case "preview":
		err = preview(optpreview.Diff())
	case "preview-clean":
		err = preview(optpreview.ExpectNoChanges())
	case "preview-refresh":
		err = preview(optpreview.Refresh(), optpreview.Diff())
	case "up", "up-refresh":
		opts := []optup.Option{optup.ProgressStreams(&printed), optup.Color("never")}
		if step == "up-refresh" {
			opts = append(opts, optup.Refresh())
		}
		var r auto.UpResult
		r, err = s.Up(ctx, opts...)
		result["result"], result["resource_changes"], result["outputs"] = r.Summary.Result, r.Summary.ResourceChanges, outputs(r.Outputs)
	case "destroy":
		var r auto.DestroyResult
		r, err = s.Destroy(ctx, optdestroy.ProgressStreams(&printed), optdestroy.Color("never"))
		result["result"], result["resource_changes"] = r.Summary.Result, r.Summary.ResourceChanges
	default:
		return nil, fmt.Errorf("unknown step %q: preview, up, preview-clean, preview-refresh, up-refresh or destroy", step)
	}
	return result, err
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go-inline preview|up|preview-clean|preview-refresh|up-refresh|destroy")
		os.Exit(2)
	}
	result, err := run(context.Background(), os.Args[1])
	if result != nil {
		line, _ := json.Marshal(result)
		fmt.Println(string(line))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-inline %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
