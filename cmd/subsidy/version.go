package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func init() {
	register(command{name: "version", summary: "print the version of this binary", run: runVersion})
}

// version may be set at build time (-ldflags "-X main.version=v1.2.3", as
// the Dockerfile does); empty takes it from the build information.
var version string

// buildVersion is the version /healthz, /metrics and 'subsidy version'
// report: main.version when set, else the module version the Go tool
// stamped (v1.2.3 for 'go install ...@v1.2.3', a pseudo-version for a
// build in a git checkout), else "devel" with the commit when known.
func buildVersion() string {
	return versionOf(version, readBuildInfo())
}

func readBuildInfo() *debug.BuildInfo {
	bi, _ := debug.ReadBuildInfo()
	return bi
}

func versionOf(stamped string, bi *debug.BuildInfo) string {
	if stamped != "" {
		return stamped
	}
	if bi == nil {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	v := "devel"
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v += "-" + s.Value[:min(12, len(s.Value))]
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified {
		v += "+dirty"
	}
	return v
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCmdline("version", "", "Prints the version of this binary, the Go version that built it and the\nplatform.", stdout, stderr)
	return c.run(args, 0, 0, func() error {
		fmt.Fprintf(stdout, "subsidy %s (%s, %s/%s)\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	})
}
