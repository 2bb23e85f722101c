package webui

import "github.com/goyarn/goyarn/resourcemanager/core"

// The RM's core is what the UI reads in production.
var _ Core = (*core.Core)(nil)
