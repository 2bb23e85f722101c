package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

var fakeShell = []byte("\x7fELF fake goyarn-sh")

func TestContext(t *testing.T) {
	data, err := Context(fakeShell)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(data))
	got := map[string]int64{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[hdr.Name] = hdr.Mode
		if hdr.Name == "rootfs/bin/sh" {
			if body, _ := io.ReadAll(tr); !bytes.Equal(body, fakeShell) {
				t.Errorf("rootfs/bin/sh holds %q", body)
			}
		}
	}
	want := map[string]int64{"Dockerfile": 0o644, "rootfs/": 0o755, "rootfs/bin/": 0o755, "rootfs/bin/sh": 0o755,
		"rootfs/etc/": 0o755, "rootfs/etc/passwd": 0o644, "rootfs/etc/group": 0o644, "rootfs/tmp/": 0o1777}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("context %v, want %v", got, want)
	}
	if _, err := Context([]byte("#!/bin/sh\n")); err == nil {
		t.Error("a non-ELF shell was accepted")
	}
	h1, _ := ContentHash(fakeShell)
	h2, _ := ContentHash(fakeShell)
	h3, _ := ContentHash(append(append([]byte{}, fakeShell...), 'x'))
	if h1 != h2 || h1 == h3 || len(h1) != 64 {
		t.Errorf("hashes %s %s %s: want stable, and different for another shell", h1, h2, h3)
	}
}

type fakeBuilder struct {
	labels  map[string]string
	tags    []string
	builds  int
	stream  string
	inspect error
}

func (f *fakeBuilder) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (image.InspectResponse, error) {
	if f.inspect != nil {
		return image.InspectResponse{}, f.inspect
	}
	if f.labels == nil {
		return image.InspectResponse{}, fmt.Errorf("no such image %s: %w", ref, cerrdefs.ErrNotFound)
	}
	return image.InspectResponse{RepoTags: f.tags, Config: &dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{Labels: f.labels}}}, nil
}

func (f *fakeBuilder) ImageBuild(_ context.Context, ctx io.Reader, opts build.ImageBuildOptions) (build.ImageBuildResponse, error) {
	f.builds++
	if _, err := io.ReadAll(ctx); err != nil {
		return build.ImageBuildResponse{}, err
	}
	if opts.NetworkMode != "none" || opts.PullParent || opts.Version != build.BuilderV1 {
		return build.ImageBuildResponse{}, fmt.Errorf("unexpected options %+v", opts)
	}
	f.labels, f.tags = opts.Labels, opts.Tags
	return build.ImageBuildResponse{Body: io.NopCloser(strings.NewReader(f.stream))}, nil
}

func TestEnsure(t *testing.T) {
	ctx := context.Background()
	f := &fakeBuilder{stream: `{"stream":"Step 1/5 : FROM scratch\n"}` + "\n" + `{"stream":"Successfully built abc\n"}`}
	built, err := Ensure(ctx, f, fakeShell, "goyarn/executor:t", "goyarn/executor:v1")
	if err != nil || !built || f.builds != 1 {
		t.Fatalf("first Ensure: built %v, %v, %d builds", built, err, f.builds)
	}
	built, err = Ensure(ctx, f, fakeShell, "goyarn/executor:t", "goyarn/executor:v1")
	if err != nil || built || f.builds != 1 {
		t.Fatalf("second Ensure: built %v, %v, %d builds; want the image reused", built, err, f.builds)
	}
	if built, err = Ensure(ctx, f, append([]byte{}, append(fakeShell, '2')...), "goyarn/executor:t"); err != nil || !built {
		t.Fatalf("Ensure of another shell: built %v, %v; want a build", built, err)
	}
	f.stream = `{"errorDetail":{"message":"COPY failed"},"error":"COPY failed"}`
	f.labels = nil
	if _, err := Ensure(ctx, f, fakeShell, "goyarn/executor:t"); err == nil || !strings.Contains(err.Error(), "COPY failed") {
		t.Errorf("a failed build: %v", err)
	}
	f.inspect = errors.New("daemon gone")
	if _, err := Ensure(ctx, f, fakeShell, "goyarn/executor:t"); err == nil || !strings.Contains(err.Error(), "daemon gone") {
		t.Errorf("inspect failure: %v", err)
	}
	if _, err := Ensure(ctx, f, fakeShell); err == nil {
		t.Error("Ensure without a tag succeeded")
	}
}
