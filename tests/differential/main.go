// Command differential prints how Go's archive/tar, which Podman and CRI-O
// use to unpack checkpoint archives, reads each tar named on the command
// line: one JSON object per archive, one line each, for ckpt's differential
// test (tests/differential.rs) to compare with its own reading.
//
// Names are reported the way containers/storage extracts them: cleaned with
// filepath.Clean and joined below the target directory; a name that climbs
// out of it (or names the directory itself) is reported as it is, with
// "local": false.
package main

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strings"
)

type entry struct {
	Name     string `json:"name"`
	Local    bool   `json:"local"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Link     string `json:"link"`
	Sparse   bool   `json:"sparse"`
	Fnv64    string `json:"fnv64,omitempty"`
	Typeflag int    `json:"typeflag"`
}

type result struct {
	Path    string  `json:"path"`
	Entries []entry `json:"entries"`
	Error   string  `json:"error,omitempty"`
}

// kind is how ckpt classifies a member: a regular file, a directory, a
// link, or something else.
func kind(flag byte) string {
	switch flag {
	case tar.TypeReg:
		return "file"
	case tar.TypeDir:
		return "dir"
	case tar.TypeLink, tar.TypeSymlink:
		return "link"
	}
	return "other"
}

// sparse says whether archive/tar reads the member as a sparse file.
func sparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	major, minor := h.PAXRecords["GNU.sparse.major"], h.PAXRecords["GNU.sparse.minor"]
	switch {
	case major == "0" && (minor == "0" || minor == "1"), major == "1" && minor == "0":
		return true
	case major != "" || minor != "":
		return false
	}
	return h.PAXRecords["GNU.sparse.map"] != ""
}

// clean is where containers/storage writes the member, relative to the
// target directory.
func clean(name string) (string, bool) {
	const dest = "/dest"
	p := filepath.Join(dest, filepath.Clean(name))
	rel, err := filepath.Rel(dest, p)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
		return name, false
	}
	return rel, true
}

func read(path string) result {
	r := result{Path: path, Entries: []entry{}}
	f, err := os.Open(path)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return r
		}
		if err != nil {
			r.Error = err.Error()
			return r
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue // containers/storage ignores them
		}
		name, local := clean(h.Name)
		e := entry{
			Name:     name,
			Local:    local,
			Type:     kind(h.Typeflag),
			Size:     h.Size,
			Link:     h.Linkname,
			Sparse:   sparse(h),
			Typeflag: int(h.Typeflag),
		}
		if e.Type == "file" && !e.Sparse {
			sum := fnv.New64a()
			if _, err := io.Copy(sum, tr); err != nil {
				r.Error = err.Error()
				return r
			}
			e.Fnv64 = fmt.Sprintf("%016x", sum.Sum64())
		}
		r.Entries = append(r.Entries, e)
	}
}

func main() {
	out := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		if err := out.Encode(read(path)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, errors.New("usage: differential TAR..."))
		os.Exit(2)
	}
}
