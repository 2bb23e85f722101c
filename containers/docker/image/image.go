package image

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// Names of the executor image.
const (
	// Repository is the executor image's name.
	Repository = "goyarn/executor"
	// Latest is the tag containers run by default.
	Latest = Repository + ":latest"
	// LabelContentHash labels an image with the hash of what it was built
	// from (ContentHash), so an unchanged image is not built again.
	LabelContentHash = "goyarn.content-hash"
)

//go:embed Dockerfile passwd group
var files embed.FS

// member is one file of the build context.
type member struct {
	name string
	mode int64
	data []byte // nil for a directory
}

// contextMembers is the build context of an executor image whose /bin/sh is
// the goyarn-sh binary sh, in a fixed order.
func contextMembers(sh []byte) ([]member, error) {
	read := func(name string) []byte {
		data, _ := files.ReadFile(name) // embedded: cannot fail
		return data
	}
	if len(sh) < 4 || string(sh[:4]) != "\x7fELF" {
		return nil, errors.New("image: the shell is not an executable (ELF) file")
	}
	return []member{
		{name: "Dockerfile", mode: 0o644, data: read("Dockerfile")},
		{name: "rootfs/", mode: 0o755},
		{name: "rootfs/bin/", mode: 0o755},
		{name: "rootfs/bin/sh", mode: 0o755, data: sh},
		{name: "rootfs/etc/", mode: 0o755},
		{name: "rootfs/etc/group", mode: 0o644, data: read("group")},
		{name: "rootfs/etc/passwd", mode: 0o644, data: read("passwd")},
		{name: "rootfs/tmp/", mode: 0o1777},
	}, nil
}

// ContentHash is the hex SHA-256 of an executor image's build context for
// the goyarn-sh binary sh: the same shell and files give the same hash.
func ContentHash(sh []byte) (string, error) {
	ms, err := contextMembers(sh)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%s %o %d\n", m.name, m.mode, len(m.data))
		h.Write(m.data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Context returns the build context (an uncompressed tar) of an executor
// image whose /bin/sh is the goyarn-sh binary sh.
func Context(sh []byte) ([]byte, error) {
	ms, err := contextMembers(sh)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(0, 0)
	for _, m := range ms {
		hdr := &tar.Header{Name: m.name, Mode: m.mode, ModTime: mtime, Typeflag: tar.TypeDir, Format: tar.FormatPAX}
		if m.data != nil {
			hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(m.data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(m.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Builder is the part of the Docker Engine API building needs;
// *client.Client implements it.
type Builder interface {
	ImageInspect(ctx context.Context, ref string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	ImageBuild(ctx context.Context, buildContext io.Reader, opts build.ImageBuildOptions) (build.ImageBuildResponse, error)
}

// Ensure makes sure an executor image built from the goyarn-sh binary sh
// is tagged with every one of tags: when the first tag already names an image
// with sh's content hash nothing is built (built is false). The build uses
// the classic builder with no network: nothing is pulled.
func Ensure(ctx context.Context, b Builder, sh []byte, tags ...string) (built bool, err error) {
	if len(tags) == 0 {
		return false, errors.New("image: no tag to build")
	}
	hash, err := ContentHash(sh)
	if err != nil {
		return false, err
	}
	info, err := b.ImageInspect(ctx, tags[0])
	switch {
	case err == nil && info.Config != nil && info.Config.Labels[LabelContentHash] == hash && allTagged(info.RepoTags, tags):
		return false, nil
	case err != nil && !cerrdefs.IsNotFound(err):
		return false, fmt.Errorf("image: inspecting %s: %w", tags[0], err)
	}
	tarball, err := Context(sh)
	if err != nil {
		return false, err
	}
	resp, err := b.ImageBuild(ctx, bytes.NewReader(tarball), build.ImageBuildOptions{
		Tags: tags, Labels: map[string]string{LabelContentHash: hash}, NetworkMode: "none",
		Remove: true, ForceRemove: true, Version: build.BuilderV1,
	})
	if err != nil {
		return false, fmt.Errorf("image: building %s: %w", tags[0], err)
	}
	defer resp.Body.Close()
	if err := buildResult(resp.Body); err != nil {
		return false, fmt.Errorf("image: building %s: %w", tags[0], err)
	}
	return true, nil
}

func allTagged(have, want []string) bool {
	set := map[string]bool{}
	for _, t := range have {
		set[t] = true
	}
	for _, t := range want {
		if !set[t] {
			return false
		}
	}
	return true
}

// buildResult reads the build's JSON message stream to its end and returns
// the error it reports, if any.
func buildResult(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error       string `json:"error"`
			ErrorDetail struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("reading the build output: %w", err)
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}
