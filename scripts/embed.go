// Package scripts embeds the scam-script catalogue: one YAML file per
// script, written by moderators (see README.md, "Writing a scam script").
// SCAMBOT_CONTENT_DIR replaces it at run time.
package scripts

import "embed"

// FS holds every *.yaml file of this directory.
//
//go:embed *.yaml
var FS embed.FS
