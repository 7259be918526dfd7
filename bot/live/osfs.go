package live

import (
	"io/fs"
	"os"
)

// osDirFS is the one place the package reaches the disk: the directory
// watch (loading itself goes through catalogue.OnDisk).
func osDirFS(dir string) fs.FS { return os.DirFS(dir) }
