package client

import (
	"fmt"
	"strings"

	"github.com/goyarn/goyarn/api/clusterconf"
	"github.com/goyarn/goyarn/api/objstore"
)

// LoadLayout reads the cluster layout clients use by default: the
// goyarn.yaml in $GOYARN_CONF_DIR (getenv), else in bin/../conf next to the
// running binary, else in /etc/goyarn; with none, the single-machine
// defaults. An unreadable or invalid file is an error: a client must not
// quietly talk to the wrong cluster.
func LoadLayout(getenv func(string) string) (clusterconf.Cluster, error) {
	dir := clusterconf.Find("", getenv, clusterconf.ExeDir())
	if dir == "" {
		return clusterconf.Default(), nil
	}
	return clusterconf.Load(dir)
}

// FallbackStaging is the staging directory when neither a flag, the
// environment nor a layout names one: the single-machine default, the
// same as the daemons'.
const FallbackStaging = "/tmp/goyarn/staging"

// Staging is where clients stage files: flag (--staging-dir, or its
// $GOYARN_STAGING_DIR) when set, else the layout's staging URL, else
// FallbackStaging.
func Staging(flag string, getenv func(string) string) string {
	if flag = strings.TrimSpace(flag); flag != "" {
		return flag
	}
	if cl, err := LoadLayout(getenv); err == nil && cl.Staging != "" {
		return cl.Staging
	}
	return FallbackStaging
}

// LayoutAuthToken is the token of the layout's auth-token-file, or "" when
// the layout names none or it cannot be read (reads need no token; a write
// without one gets the RM's 401, which says so).
func LayoutAuthToken(getenv func(string) string) string {
	cl, err := LoadLayout(getenv)
	if err != nil || cl.AuthTokenFile == "" {
		return ""
	}
	t, err := ReadAuthToken(cl.AuthTokenFile)
	if err != nil {
		return ""
	}
	return t
}

// ObjectStore is the object store configuration clients use for s3://
// staging and aggregated logs: the layout's object-store section.
func ObjectStore(getenv func(string) string) (objstore.Config, error) {
	cl, err := LoadLayout(getenv)
	if err != nil {
		return objstore.Config{}, err
	}
	return cl.ObjectStore.Settings().Config(), nil
}

// NewLayoutStager is the stager of a client: staging (a --staging-dir
// flag, may be empty) else the layout's, through the layout's object store.
func NewLayoutStager(staging string, getenv func(string) string) (*Stager, error) {
	cfg, err := ObjectStore(getenv)
	if err != nil {
		return nil, err
	}
	store, err := objstore.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadStaging, err)
	}
	return NewStager(Staging(staging, getenv), store)
}
