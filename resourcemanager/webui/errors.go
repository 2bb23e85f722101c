package webui

import "errors"

var errNoCore = errors.New("webui: Deps.Core is required")
