package api

// Environment variables the NM sets in every container, named as YARN names
// them where YARN has a name.
const (
	EnvContainerID     = "CONTAINER_ID"
	EnvNMHost          = "NM_HOST"
	EnvNMPort          = "NM_PORT"
	EnvNMHTTPPort      = "NM_HTTP_PORT"
	EnvLogDirs         = "LOG_DIRS"
	EnvLocalDirs       = "LOCAL_DIRS"
	EnvUser            = "USER"
	EnvPWD             = "PWD"
	EnvHome            = "HOME"
	EnvAppSubmitTime   = "APP_SUBMIT_TIME_ENV"
	EnvMaxAppAttempts  = "MAX_APP_ATTEMPTS"
	EnvContainerMemory = "GOYARN_CONTAINER_MEMORY_MB"
	EnvContainerVCores = "GOYARN_CONTAINER_VCORES"
	EnvAMToken         = "GOYARN_AM_TOKEN"         // AM containers only
	EnvRMRPCAddresses  = "GOYARN_RM_RPC_ADDRESSES" // AM containers only: comma-separated host:port
	EnvRMWebAddresses  = "GOYARN_RM_WEB_ADDRESSES" // AM containers only: comma-separated host:port
	EnvStagingDir      = "GOYARN_STAGING_DIR"      // the cluster's staging URL or directory
	// EnvPreserveStaging, "true" in an AM's launch environment, keeps the
	// application's staging files when it ends (spark.yarn.preserve.staging.files).
	EnvPreserveStaging  = "GOYARN_PRESERVE_STAGING_FILES"
	EnvRuntimeType      = "YARN_CONTAINER_RUNTIME_TYPE"
	EnvRuntimeDockerImg = "YARN_CONTAINER_RUNTIME_DOCKER_IMAGE"
)

// Placeholders a launch command may contain; the NM expands them.
const (
	PlaceholderLogDir = "<LOG_DIR>"
	PlaceholderCPS    = "<CPS>"
)
