// Package cliconf turns a daemon's config struct into its command line: one
// flag per field, named by the field's yaml key, with an environment variable
// PREFIX_KEY, the struct's default as the flag default, and the field's
// `usage` tag as help. Load applies the precedence file < environment < flag.
// Reference renders the same fields as a Markdown table for the README, so the
// documentation cannot drift from the code.
//
// Supported field kinds: string, bool, int, int64, float64, time.Duration and
// []string. Fields tagged `flag:"-"` (nested structures such as the queue
// tree) come from the config file only.
package cliconf
