// Package api holds the wire vocabulary every goyarn component shares: the
// ids (application, attempt, container, node) in Hadoop YARN's text formats,
// Resource, the state enums, container exit statuses and the launch and
// submission contexts.
//
// Subpackages carry the messages themselves: api/rpc the internal RPC between
// RM, NMs and AMs; api/yarn the public REST shapes of Hadoop YARN; api/security
// the cluster secret and the tokens signed with it; api/webkit the web UI kit
// (formatting helpers, stylesheet, page chrome) of the daemons' human pages.
//
// This package and its subpackages import no other goyarn package: they are
// the one thing the resource manager, node manager, application masters and
// clients have in common.
package api
