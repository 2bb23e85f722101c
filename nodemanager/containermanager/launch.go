package containermanager

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
	"github.com/goyarn/goyarn/nodemanager/nmstate"
)

// Container labels the manager sets (the docker runtime carries them).
const (
	LabelContainerID = "goyarn.container-id"
	LabelAppID       = "goyarn.app-id"
	LabelUser        = "goyarn.user"
)

// braceVar matches YARN's cross-platform variable syntax {{NAME}}.
var braceVar = regexp.MustCompile(`\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}`)

// spec builds the runtime spec of a container.
//
// Environment: the launch context's variables first, then the ones the NM
// owns (CONTAINER_ID, NM_HOST, …, HOME and PWD = the work dir), which a
// launch context cannot override; PATH is the NM's unless the launch context
// sets one. In values, <CPS> becomes ":", <LOG_DIR> the log dir and
// {{NAME}} the value of NAME in this environment.
//
// Command: the launch context's commands joined with spaces, <LOG_DIR> and
// <CPS> expanded, {{NAME}} turned into $NAME for the shell.
//
// Runtime: the environment's YARN_CONTAINER_RUNTIME_TYPE (docker or default)
// picks the runtime, where the node runs several (containers/routing), and
// YARN_CONTAINER_RUNTIME_DOCKER_IMAGE becomes the spec's image (empty: the
// docker runtime's default). AppDirs are the application's local dirs
// (LOCAL_DIRS), which a Docker container gets mounted.
func (m *Manager) spec(rec nmstate.Container, launch api.LaunchContext) (containers.Spec, error) {
	command := strings.TrimSpace(strings.Join(launch.Commands, " "))
	if command == "" {
		return containers.Spec{}, errors.New("the launch context has no command")
	}
	expand := strings.NewReplacer(api.PlaceholderLogDir, rec.LogDir, api.PlaceholderCPS, ":")
	command = braceVar.ReplaceAllString(expand.Replace(command), "$$$1")

	env := make(map[string]string, len(launch.Environment)+16)
	for k, v := range launch.Environment {
		env[k] = expand.Replace(v)
	}
	if _, ok := env["PATH"]; !ok {
		env["PATH"] = m.cfg.PathEnv
	}
	localDirs := make([]string, len(m.cfg.LocalDirs))
	for i, d := range m.cfg.LocalDirs {
		localDirs[i] = m.appCacheDir(d, rec.User, rec.ID.App())
	}
	own := map[string]string{
		api.EnvContainerID:     rec.ID.String(),
		api.EnvNMHost:          m.cfg.NodeID.Host,
		api.EnvNMPort:          strconv.Itoa(m.cfg.NodeID.Port),
		api.EnvNMHTTPPort:      strconv.Itoa(m.cfg.HTTPPort),
		api.EnvLogDirs:         rec.LogDir,
		api.EnvLocalDirs:       strings.Join(localDirs, ","),
		api.EnvUser:            rec.User,
		api.EnvPWD:             rec.WorkDir,
		api.EnvHome:            rec.WorkDir,
		api.EnvContainerMemory: strconv.FormatInt(rec.Resource.MemoryMB, 10),
		api.EnvContainerVCores: strconv.FormatInt(rec.Resource.VCores, 10),
	}
	if m.cfg.StagingDir != "" {
		own[api.EnvStagingDir] = m.cfg.StagingDir
	}
	for k, v := range own {
		env[k] = v
	}
	base := make(map[string]string, len(env))
	for k, v := range env {
		base[k] = v
	}
	for k, v := range base {
		env[k] = braceVar.ReplaceAllStringFunc(v, func(ref string) string {
			return base[ref[2:len(ref)-2]]
		})
	}
	return containers.Spec{
		ID:       rec.ID,
		User:     rec.User,
		Command:  command,
		Env:      env,
		WorkDir:  rec.WorkDir,
		LogDir:   rec.LogDir,
		AppDirs:  localDirs,
		Resource: rec.Resource,
		Image:    env[api.EnvRuntimeDockerImg],
		Labels: map[string]string{
			LabelContainerID: rec.ID.String(),
			LabelAppID:       rec.ID.App().String(),
			LabelUser:        rec.User,
		},
	}, nil
}
