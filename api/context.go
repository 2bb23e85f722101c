package api

// LocalResourceType says how a localized resource is laid out in the
// container's work dir, as YARN's LocalResourceType.
type LocalResourceType string

// Local resource types.
const (
	ResourceFile    LocalResourceType = "FILE"
	ResourceArchive LocalResourceType = "ARCHIVE"
	ResourcePattern LocalResourceType = "PATTERN"
)

// LocalResource is a file the NM copies into a container's work dir before
// starting it. URL is a file:// URL (or an absolute path) under a directory
// the NM is configured to localize from (the staging directory).
type LocalResource struct {
	URL        string            `json:"resource"`
	Type       LocalResourceType `json:"type,omitempty"`
	Visibility string            `json:"visibility,omitempty"`
	Size       int64             `json:"size,omitempty"`
	Timestamp  int64             `json:"timestamp,omitempty"`
}

// LaunchContext is what a container runs: YARN's ContainerLaunchContext.
// As in YARN, Commands are joined with spaces into one shell command line;
// <LOG_DIR> in it is replaced by the container's log dir and <CPS> by ":".
type LaunchContext struct {
	LocalResources map[string]LocalResource `json:"localResources,omitempty"`
	Environment    map[string]string        `json:"environment,omitempty"`
	Commands       []string                 `json:"commands,omitempty"`
}

// SubmissionContext is an application submission: YARN's
// ApplicationSubmissionContext, in goyarn's internal form (the REST shape
// lives in api/yarn).
type SubmissionContext struct {
	ApplicationID   ApplicationID `json:"applicationId"`
	Name            string        `json:"name"`
	Queue           string        `json:"queue"`
	Priority        int32         `json:"priority"`
	ApplicationType string        `json:"applicationType"`
	Tags            []string      `json:"tags,omitempty"`
	AMResource      Resource      `json:"amResource"`
	AMContainer     LaunchContext `json:"amContainer"`
	MaxAttempts     int32         `json:"maxAttempts"`
	UnmanagedAM     bool          `json:"unmanagedAM,omitempty"`
	KeepContainers  bool          `json:"keepContainers,omitempty"`
}
