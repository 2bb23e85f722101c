package webui

import "errors"

var errNoCore = errors.New("webui: Deps.Active is required")
