// Package yarn holds the public REST bodies of Hadoop YARN 3.x, exactly as
// the ResourceManager (/ws/v1/cluster/...) and NodeManager (/ws/v1/node/...)
// emit and accept them, so that existing YARN REST clients and monitoring
// work against goyarn unchanged: member names, nesting, enum strings, and
// Java's numeric types (int → int32, long → int64, float → Float).
//
// It owns only these shapes and small helpers for YARN's text conventions
// (comma-joined tags, elapsed times, log URLs, RemoteException errors) and
// the conversion of a submission body to api.SubmissionContext. It imports
// nothing but package api and the standard library; it does no I/O and
// knows nothing of HTTP routing, the scheduler or the stores.
//
// # Roots and collections
//
// Each response type is named after its root: ClusterInfoResponse is
// {"clusterInfo":{…}}, AppsResponse is {"apps":{"app":[…]}}. Collections are
// double-wrapped as in YARN. The bodies YARN does not wrap (new-application,
// the submission, state/queue/priority) are plain structs.
//
// # Empty collections
//
// What a real RM sends for an empty list depends on its Hadoop version.
// Hadoop's web services serialize their DAO classes (AppsInfo holds an
// ArrayList "app") with Jersey 1's JSON "natural" notation. Up to Jersey
// 1.12 (Hadoop 2.x) an element whose collection was empty came out as null:
// {"apps":null}. Jersey 1.13 changed that to an empty object (JERSEY-1168),
// and Hadoop 3.0 moved to Jersey 1.19 (HADOOP-9613), whose tests now expect
// {"apps":{}} for an empty result; the NodeManager and the scheduler's
// "users" behave the same. goyarn emits the Hadoop 3 form, {"apps":{}}, by
// default (the list fields are omitempty). Decoding accepts all forms seen
// in the wild: {"apps":null}, {"apps":{}}, {"apps":{"app":null}},
// {"apps":{"app":[]}}, and a single element not wrapped in an array,
// {"apps":{"app":{…}}}.
//
// # Submissions
//
// DecodeSubmission decodes a POST /ws/v1/cluster/apps body strictly: every
// member YARN defines is accepted, any other is an error naming it (so a
// typo such as "resources" cannot silently submit with defaults), and all
// problems are reported at once, wrapping ErrInvalidSubmission.
// SubmissionContext.ToAPI converts the result to api.SubmissionContext.
package yarn
