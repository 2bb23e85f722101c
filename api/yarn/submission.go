package yarn

import (
	"encoding/json"

	"github.com/goyarn/goyarn/api"
)

// SubmissionContext is the body of POST /ws/v1/cluster/apps (YARN's
// application-submission-context, not wrapped in a root object). Every field
// Hadoop's RM accepts is here, so DecodeSubmission can reject anything else.
// A successful submission is answered 202 with an empty body and
// Location: …/ws/v1/cluster/apps/{id}.
//
// Absent numbers mean YARN's defaults: priority 0, max-app-attempts the
// RM's limit, attempt-failures-validity-interval disabled.
type SubmissionContext struct {
	ApplicationID   string           `json:"application-id"`
	ApplicationName string           `json:"application-name,omitempty"`
	Queue           string           `json:"queue,omitempty"` // "" lets the RM pick ("default")
	Priority        int32            `json:"priority,omitempty"`
	AMContainerSpec *AMContainerSpec `json:"am-container-spec,omitempty"`
	UnmanagedAM     bool             `json:"unmanaged-AM,omitempty"`
	// CancelTokensWhenComplete is accepted for compatibility (YARN's default
	// is true); goyarn has no delegation tokens to cancel.
	CancelTokensWhenComplete *bool         `json:"cancel-tokens-when-complete,omitempty"`
	MaxAppAttempts           int32         `json:"max-app-attempts,omitempty"` // 0: the RM's limit
	Resource                 *api.Resource `json:"resource,omitempty"`         // the AM container's
	ApplicationType          string        `json:"application-type,omitempty"` // "" means "YARN"
	KeepContainers           bool          `json:"keep-containers-across-application-attempts,omitempty"`
	ApplicationTags          TagList       `json:"application-tags,omitzero"`
	// Node label expressions are accepted; goyarn has no node labels.
	AppNodeLabelExpression         string                 `json:"app-node-label-expression,omitempty"`
	AMContainerNodeLabelExpression string                 `json:"am-container-node-label-expression,omitempty"`
	LogAggregationContext          *LogAggregationContext `json:"log-aggregation-context,omitempty"`
	// AttemptFailuresValidityInterval (ms): only attempt failures within
	// this window count towards max-app-attempts; <= 0 disables the window.
	AttemptFailuresValidityInterval int64                   `json:"attempt-failures-validity-interval,omitempty"`
	ReservationID                   string                  `json:"reservation-id,omitempty"`
	AMBlackListingRequests          *AMBlackListingRequests `json:"am-black-listing-requests,omitempty"`
}

// AMContainerSpec is the AM's container launch context (am-container-spec).
type AMContainerSpec struct {
	LocalResources LocalResourceEntries `json:"local-resources,omitzero"`
	Environment    KeyValueEntries      `json:"environment,omitzero"`
	Commands       Commands             `json:"commands,omitzero"`
	// ServiceData: auxiliary service name → base64 data.
	ServiceData KeyValueEntries `json:"service-data,omitzero"`
	Credentials *Credentials    `json:"credentials,omitempty"`
	// ApplicationACLs: "VIEW_APP" or "MODIFY_APP" → comma-separated users.
	ApplicationACLs KeyValueEntries `json:"application-acls,omitzero"`
}

// LocalResourceEntries is {"entry":[{"key":name,"value":{…}}]}.
type LocalResourceEntries struct {
	Entry []LocalResourceEntry `json:"entry,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *LocalResourceEntries) UnmarshalJSON(b []byte) error {
	return decodeList(b, "entry", &l.Entry)
}

// LocalResourceEntry names one file to localize: Key is its name in the
// container's work dir.
type LocalResourceEntry struct {
	Key   string        `json:"key"`
	Value LocalResource `json:"value"`
}

// LocalResource types and visibilities.
const (
	VisibilityPublic      = "PUBLIC"
	VisibilityPrivate     = "PRIVATE"
	VisibilityApplication = "APPLICATION"
)

// LocalResource is a local-resources value.
type LocalResource struct {
	Resource   string                `json:"resource"`             // URL
	Type       api.LocalResourceType `json:"type,omitempty"`       // FILE (default), ARCHIVE, PATTERN
	Visibility string                `json:"visibility,omitempty"` // VisibilityApplication, …
	Size       int64                 `json:"size,omitempty"`
	Timestamp  int64                 `json:"timestamp,omitempty"`
	Pattern    string                `json:"pattern,omitempty"` // for PATTERN: what to extract
}

// KeyValueEntries is {"entry":[{"key":…,"value":…}]}, YARN's JSON form of a
// string map (environment, service-data, secrets, application-acls).
type KeyValueEntries struct {
	Entry []KeyValue `json:"entry,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *KeyValueEntries) UnmarshalJSON(b []byte) error { return decodeList(b, "entry", &l.Entry) }

// KeyValue is one entry of KeyValueEntries.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Entries returns m as KeyValueEntries, in sorted key order.
func Entries(m map[string]string) KeyValueEntries {
	var l KeyValueEntries
	for _, k := range sortedKeys(m) {
		l.Entry = append(l.Entry, KeyValue{Key: k, Value: m[k]})
	}
	return l
}

// Commands is {"command":"…"} or {"command":["…","…"]}. YARN joins the
// commands with spaces into one shell command line.
type Commands struct {
	Command []string `json:"command,omitempty"`
}

// MarshalJSON writes a single command as a string, as YARN's examples do.
func (c Commands) MarshalJSON() ([]byte, error) {
	if len(c.Command) == 1 {
		return json.Marshal(struct {
			Command string `json:"command"`
		}{c.Command[0]})
	}
	type plain Commands
	return json.Marshal(plain(c))
}

// UnmarshalJSON accepts a string or an array for command.
func (c *Commands) UnmarshalJSON(b []byte) error { return decodeList(b, "command", &c.Command) }

// TagList is application-tags: {"tag":["a","b"]} (or a single string).
type TagList struct {
	Tag []string `json:"tag,omitempty"`
}

// UnmarshalJSON accepts every empty and single-element form (see package doc).
func (l *TagList) UnmarshalJSON(b []byte) error { return decodeList(b, "tag", &l.Tag) }

// Credentials carries tokens and base64 secrets for the AM; goyarn accepts
// and ignores them.
type Credentials struct {
	Tokens  KeyValueEntries `json:"tokens,omitzero"`
	Secrets KeyValueEntries `json:"secrets,omitzero"`
}

// LogAggregationContext says which logs the NMs aggregate; goyarn accepts
// it and keeps logs on the NMs.
type LogAggregationContext struct {
	LogIncludePattern              string `json:"log-include-pattern,omitempty"`
	LogExcludePattern              string `json:"log-exclude-pattern,omitempty"`
	RolledLogIncludePattern        string `json:"rolled-log-include-pattern,omitempty"`
	RolledLogExcludePattern        string `json:"rolled-log-exclude-pattern,omitempty"`
	LogAggregationPolicyClassName  string `json:"log-aggregation-policy-class-name,omitempty"`
	LogAggregationPolicyParameters string `json:"log-aggregation-policy-parameters,omitempty"`
}

// AMBlackListingRequests configures AM node blacklisting.
type AMBlackListingRequests struct {
	AMBlackListingEnabled   bool  `json:"am-black-listing-enabled"`
	DisableFailureThreshold Float `json:"disable-failure-threshold"` // fraction of nodes, 0-1
}
