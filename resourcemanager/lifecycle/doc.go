// Package lifecycle holds the RM's state machines as tables: one for
// applications, attempts, containers and nodes. Each is a list of
// (from states, event, to) rows; Next looks a transition up and refuses any
// event the table does not allow from the current state with an error
// wrapping ErrInvalidTransition, which the caller logs and answers — an
// unexpected event never crashes the RM.
//
// The package is pure data: it knows the YARN state names in api and nothing
// of the RM's bookkeeping.
package lifecycle
