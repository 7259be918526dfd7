package catalogue

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/scambot/scambot/content"
	"github.com/scambot/scambot/scripts"
)

// Embedded returns the directories compiled into the binary.
func Embedded() (contentDir, scriptsDir Dir) {
	return Dir{FS: content.FS, Path: "content"}, Dir{FS: scripts.FS, Path: "scripts"}
}

// OnDisk returns the directories of a tree laid out like the repository:
// root/content and root/scripts.
func OnDisk(root string) (contentDir, scriptsDir Dir) {
	c, s := filepath.Join(root, "content"), filepath.Join(root, "scripts")
	return Dir{FS: os.DirFS(c), Path: c}, Dir{FS: os.DirFS(s), Path: s}
}

// LoadEmbedded loads the catalogue compiled into the binary.
func LoadEmbedded() (*Catalogue, error) { return Load(Embedded()) }

var _ fs.FS = content.FS
