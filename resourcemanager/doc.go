// Package resourcemanager is the RM daemon: it wires the core (state and
// scheduling), the state store, the AM launcher and the web app (public
// YARN REST on the web address, internal RPC on the RPC address), and drives
// the core's clock.
//
// Subpackages: core (the single owner of RM state), scheduler (pure capacity
// scheduler), lifecycle (state-machine tables), store (persistence
// contract), amlauncher (starts AM containers on NMs), webapp (HTTP).
// The RM never imports nodemanager or appmaster: it speaks api/rpc.
package resourcemanager
