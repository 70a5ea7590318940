// Command sdkgen writes the Python and Go SDKs of the orgs Pulumi package from schema.json, with
// Pulumi's own code generators (pkg/codegen at the CLI's version), so no SDK code is written by
// hand. `pulumi package gen-sdk` would do the same through the language hosts' GeneratePackage,
// which this project cannot build (the module proxy serves no language host): the generators are
// called directly, as the Python host does (BindSpec, then GeneratePackage, then write).
//
//	sdkgen <schema.json> <out-dir>
//
// writes <out-dir>/python (the pulumi_orgs package, pip-installable) and <out-dir>/go (a Go
// module of its own). Each language directory is replaced whole, so a file the generators no
// longer emit disappears; anything else in <out-dir> is left alone.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool is the name the generators put in each file's "do not edit" header.
const tool = "orgs sdkgen (tools/sdkgen, from schema.json)"

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen <schema.json> <out-dir>   (npm run generate:sdks runs it for the checkout)")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, outDir string) error {
	generators := []struct {
		dir      string
		generate func(*schema.Package) (map[string][]byte, error)
	}{
		{"python", func(pkg *schema.Package) (map[string][]byte, error) {
			files, err := python.GeneratePackage(tool, pkg, nil, nil)
			if err != nil {
				return nil, err
			}
			// pyproject.toml names README.md beside it, and the generator writes it only inside the
			// package (pulumi_orgs/README.md): copy it up, as provider repositories' Makefiles do.
			if readme, ok := files["pulumi_orgs/README.md"]; ok {
				files["README.md"] = readme
			}
			return files, nil
		}},
		{"go", func(pkg *schema.Package) (map[string][]byte, error) {
			return gogen.GeneratePackage(tool, pkg, nil)
		}},
	}
	for _, g := range generators {
		// Each generator imports its language section into the package it is given, so each gets
		// a package bound afresh.
		pkg, err := bind(schemaPath)
		if err != nil {
			return err
		}
		files, err := g.generate(pkg)
		if err != nil {
			return fmt.Errorf("%s SDK: %w", g.dir, err)
		}
		if err := replaceDir(filepath.Join(outDir, g.dir), files); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d files)\n", filepath.Join(outDir, g.dir), len(files))
	}
	return nil
}

func bind(schemaPath string) (*schema.Package, error) {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	// The package refers to no other package, so the null loader (meant for exactly that) suffices.
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s does not bind (fix api/generate.ts, then npm run generate): %s", schemaPath, diags.Error())
	}
	return pkg, nil
}

// replaceDir writes files into a new directory beside dir, then swaps it in: an interrupted run
// leaves the old SDK whole.
func replaceDir(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		target := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[p], 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}
