// Package content embeds the shared vocabulary: signals, terms, the
// checklist, the hotline directory and the user-facing messages in every
// language. SCAMBOT_CONTENT_DIR replaces it at run time.
package content

import "embed"

// FS holds the content files.
//
//go:embed *.yaml messages/*.yaml
var FS embed.FS
