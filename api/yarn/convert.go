package yarn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/goyarn/goyarn/api"
)

// ErrInvalidSubmission is wrapped by every problem DecodeSubmission,
// Validate and ToAPI report. Handlers answer it with BadRequest.
var ErrInvalidSubmission = errors.New("invalid application submission")

// YARN's limits on application tags (YarnConfiguration).
const (
	MaxTags      = 10
	MaxTagLength = 100
)

// DefaultApplicationType is YARN's application type when none is given.
const DefaultApplicationType = "YARN"

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidSubmission, fmt.Sprintf(format, args...))
}

// DecodeSubmission decodes a submission body strictly: a member YARN does
// not define (a typo such as "resources") is an error naming its path, as
// is a value of the wrong JSON type; then the body is validated. Every
// problem found is reported (errors.Join), each wrapping
// ErrInvalidSubmission. Member names are matched exactly, as YARN does.
func DecodeSubmission(data []byte) (*SubmissionContext, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, invalid("malformed JSON: %v", err)
	}
	if dec.More() {
		return nil, invalid("malformed JSON: data after the submission object")
	}
	if _, ok := generic.(map[string]any); !ok {
		return nil, invalid("the body must be a JSON object (application-submission-context)")
	}
	errs := unknownFields(generic, typeOf[SubmissionContext](), "")
	var s SubmissionContext
	if err := json.Unmarshal(data, &s); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			errs = append(errs, invalid("%s: cannot use JSON %s as %s", te.Field, te.Value, te.Type))
		} else {
			errs = append(errs, invalid("%v", err))
		}
		return nil, errors.Join(errs...)
	}
	if err := s.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &s, nil
}

var reservationID = regexp.MustCompile(`^reservation_\d+_\d+$`)

// Validate reports every problem with s (errors.Join), each wrapping
// ErrInvalidSubmission.
func (s *SubmissionContext) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, invalid(format, args...)) }
	if s.ApplicationID == "" {
		add("application-id is required (get one from POST /ws/v1/cluster/apps/new-application)")
	} else if _, err := api.ParseApplicationID(s.ApplicationID); err != nil {
		add("application-id: %v", err)
	}
	if s.Priority < -1 {
		add("priority %d: must be >= 0 (-1 means the queue's default)", s.Priority)
	}
	if s.MaxAppAttempts < 0 {
		add("max-app-attempts %d: must be >= 1 (or absent for the RM's limit)", s.MaxAppAttempts)
	}
	switch r := s.Resource; {
	case r == nil && !s.UnmanagedAM:
		add(`resource is required: the AM container's {"memory": MB, "vCores": n}`)
	case r != nil:
		if r.MemoryMB < 0 || (r.MemoryMB == 0 && !s.UnmanagedAM) {
			add("resource.memory %d: must be > 0 (MB)", r.MemoryMB)
		}
		if r.VCores < 0 || (r.VCores == 0 && !s.UnmanagedAM) {
			add("resource.vCores %d: must be > 0", r.VCores)
		}
	}
	errs = append(errs, validateTags(s.ApplicationTags.Tag)...)
	if s.ReservationID != "" && !reservationID.MatchString(s.ReservationID) {
		add("reservation-id %q: want reservation_<timestamp>_<sequence>", s.ReservationID)
	}
	if b := s.AMBlackListingRequests; b != nil && (b.DisableFailureThreshold < 0 || b.DisableFailureThreshold > 1) {
		add("am-black-listing-requests.disable-failure-threshold %v: must be within 0-1", b.DisableFailureThreshold)
	}
	if s.AMContainerSpec == nil {
		if !s.UnmanagedAM {
			add("am-container-spec is required (with the AM's commands)")
		}
	} else {
		errs = append(errs, s.AMContainerSpec.validate(s.UnmanagedAM)...)
	}
	return errors.Join(errs...)
}

func validateTags(tags []string) []error {
	var errs []error
	if len(tags) > MaxTags {
		errs = append(errs, invalid("application-tags: %d tags, at most %d allowed", len(tags), MaxTags))
	}
	for _, t := range tags {
		if len(t) > MaxTagLength {
			errs = append(errs, invalid("application-tags: tag %.20q… is longer than %d characters", t, MaxTagLength))
		}
		if strings.IndexFunc(t, func(r rune) bool { return r > unicode.MaxASCII }) >= 0 {
			errs = append(errs, invalid("application-tags: tag %q is not ASCII", t))
		}
	}
	return errs
}

func (c *AMContainerSpec) validate(unmanaged bool) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, invalid(format, args...)) }
	if strings.TrimSpace(strings.Join(c.Commands.Command, " ")) == "" && !unmanaged {
		add(`am-container-spec.commands: at least one command is required ({"command": "…"})`)
	}
	seen := map[string]bool{}
	for i, e := range c.LocalResources.Entry {
		p := fmt.Sprintf("am-container-spec.local-resources.entry[%d]", i)
		switch {
		case e.Key == "":
			add("%s.key is required (the file's name in the container)", p)
		case seen[e.Key]:
			add("%s.key %q appears twice", p, e.Key)
		}
		seen[e.Key] = true
		v := e.Value
		if v.Resource == "" {
			add("%s.value.resource is required (the file's URL)", p)
		}
		switch v.Type {
		case "", api.ResourceFile, api.ResourceArchive, api.ResourcePattern:
		default:
			add("%s.value.type %q: want FILE, ARCHIVE or PATTERN", p, v.Type)
		}
		switch v.Visibility {
		case "", VisibilityPublic, VisibilityPrivate, VisibilityApplication:
		default:
			add("%s.value.visibility %q: want PUBLIC, PRIVATE or APPLICATION", p, v.Visibility)
		}
		if v.Size < 0 {
			add("%s.value.size %d: must be >= 0", p, v.Size)
		}
		if v.Timestamp < 0 {
			add("%s.value.timestamp %d: must be >= 0", p, v.Timestamp)
		}
	}
	errs = append(errs, validateEntries("am-container-spec.environment", c.Environment)...)
	errs = append(errs, validateEntries("am-container-spec.service-data", c.ServiceData)...)
	errs = append(errs, validateEntries("am-container-spec.application-acls", c.ApplicationACLs)...)
	for i, e := range c.ApplicationACLs.Entry {
		if e.Key != "" && e.Key != "VIEW_APP" && e.Key != "MODIFY_APP" {
			add("am-container-spec.application-acls.entry[%d].key %q: want VIEW_APP or MODIFY_APP", i, e.Key)
		}
	}
	return errs
}

func validateEntries(path string, l KeyValueEntries) []error {
	var errs []error
	seen := map[string]bool{}
	for i, e := range l.Entry {
		switch {
		case e.Key == "":
			errs = append(errs, invalid("%s.entry[%d].key is required", path, i))
		case seen[e.Key]:
			errs = append(errs, invalid("%s.entry[%d].key %q appears twice", path, i, e.Key))
		}
		seen[e.Key] = true
	}
	return errs
}

// ToAPI validates s and converts it to goyarn's internal submission. Tags are
// normalized as YARN does (NormalizeTags), an empty application type becomes
// DefaultApplicationType, a priority of -1 becomes 0, a local resource
// without a type is a FILE, and the commands are joined with spaces into the
// one command line YARN runs. Fields goyarn does not use (credentials,
// service-data, ACLs, log aggregation, node labels, reservation, AM
// blacklisting, validity interval) are dropped.
func (s *SubmissionContext) ToAPI() (api.SubmissionContext, error) {
	if err := s.Validate(); err != nil {
		return api.SubmissionContext{}, err
	}
	id, _ := api.ParseApplicationID(s.ApplicationID) // checked by Validate
	out := api.SubmissionContext{
		ApplicationID:   id,
		Name:            s.ApplicationName,
		Queue:           s.Queue,
		Priority:        max(s.Priority, 0),
		ApplicationType: s.ApplicationType,
		Tags:            NormalizeTags(s.ApplicationTags.Tag),
		MaxAttempts:     s.MaxAppAttempts,
		UnmanagedAM:     s.UnmanagedAM,
		KeepContainers:  s.KeepContainers,
	}
	if out.ApplicationType == "" {
		out.ApplicationType = DefaultApplicationType
	}
	if s.Resource != nil {
		out.AMResource = *s.Resource
	}
	if c := s.AMContainerSpec; c != nil {
		lc := &out.AMContainer
		for _, e := range c.LocalResources.Entry {
			if lc.LocalResources == nil {
				lc.LocalResources = make(map[string]api.LocalResource, len(c.LocalResources.Entry))
			}
			t := e.Value.Type
			if t == "" {
				t = api.ResourceFile
			}
			lc.LocalResources[e.Key] = api.LocalResource{URL: e.Value.Resource, Type: t,
				Visibility: e.Value.Visibility, Size: e.Value.Size, Timestamp: e.Value.Timestamp}
		}
		for _, e := range c.Environment.Entry {
			if lc.Environment == nil {
				lc.Environment = make(map[string]string, len(c.Environment.Entry))
			}
			lc.Environment[e.Key] = e.Value
		}
		if cmd := strings.Join(c.Commands.Command, " "); strings.TrimSpace(cmd) != "" {
			lc.Commands = []string{cmd}
		}
	}
	return out, nil
}

// SubmissionFromAPI builds the REST body for c, for clients that submit to a
// YARN-compatible RM. Map entries come out in sorted key order.
func SubmissionFromAPI(c api.SubmissionContext) SubmissionContext {
	res := c.AMResource
	s := SubmissionContext{
		ApplicationID:   c.ApplicationID.String(),
		ApplicationName: c.Name,
		Queue:           c.Queue,
		Priority:        c.Priority,
		UnmanagedAM:     c.UnmanagedAM,
		MaxAppAttempts:  c.MaxAttempts,
		Resource:        &res,
		ApplicationType: c.ApplicationType,
		KeepContainers:  c.KeepContainers,
		ApplicationTags: TagList{Tag: slices.Clone(c.Tags)},
	}
	lc := c.AMContainer
	spec := &AMContainerSpec{
		Environment: Entries(lc.Environment),
		Commands:    Commands{Command: slices.Clone(lc.Commands)},
	}
	for _, k := range sortedKeys(lc.LocalResources) {
		r := lc.LocalResources[k]
		spec.LocalResources.Entry = append(spec.LocalResources.Entry, LocalResourceEntry{Key: k,
			Value: LocalResource{Resource: r.URL, Type: r.Type, Visibility: r.Visibility, Size: r.Size, Timestamp: r.Timestamp}})
	}
	s.AMContainerSpec = spec
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
