package main

import (
	"fmt"
	"runtime/debug"
)

// version and commit are set at build time:
//
//	go build -ldflags "-X main.version=1.2.0 -X main.commit=$(git rev-parse --short HEAD)" ./cmd/scambot
var version, commit = "", ""

// buildInfo returns the version and commit, from the linker flags or the
// module's build information.
func buildInfo() (string, string) {
	v, c := version, commit
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && c == "" && len(s.Value) >= 12 {
				c = s.Value[:12]
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	if c == "" {
		c = "unknown"
	}
	return v, c
}

func cmdVersion(e *env, args []string) int {
	_, cat, code := e.setup("")
	if code != exitOK {
		return code
	}
	v, c := buildInfo()
	fmt.Fprintf(e.stdout, "scambot %s\ncommit %s\ncatalogue %s (%d scripts)\n", v, c, cat.Hash, len(cat.Scripts))
	return exitOK
}
