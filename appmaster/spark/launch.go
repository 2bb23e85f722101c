package spark

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// DriverInfoFileName is the file, in the AM's work dir, the cluster-mode
// driver writes its DriverInfo to.
const DriverInfoFileName = "driver-info.json"

// ExecutorLaunch is what executor executorID runs: the user's binary with
// its output in the container's log dir, the --executor-resource files, and
// the executor environment. Environment precedence, lowest first: the
// conf's spark.executorEnv.X, --executor-env, the protocol's variables, the
// Docker runtime's (with --executor-image).
func (o Options) ExecutorLaunch(app api.ApplicationID, driverURL, executorID string) api.LaunchContext {
	env := confEnv(o.Conf, protocol.ConfExecutorEnvPrefix)
	maps.Copy(env, o.ExecutorEnv)
	env[protocol.EnvRole] = protocol.RoleExecutor
	env[protocol.EnvDriverURL] = driverURL
	env[protocol.EnvExecutorID] = executorID
	env[protocol.EnvAppID] = app.String()
	env[protocol.EnvConf] = confJSON(o.Conf)
	if o.Secret != "" {
		env[protocol.EnvSecret] = o.Secret
	}
	if o.ExecutorImage != "" {
		env[api.EnvRuntimeType] = "docker"
		env[api.EnvRuntimeDockerImg] = o.ExecutorImage
	}
	res := make(map[string]api.LocalResource, len(o.ExecutorResources))
	for name, u := range o.ExecutorResources {
		r := api.LocalResource{URL: u, Type: api.ResourceFile, Visibility: "APPLICATION"}
		r.Size, r.Timestamp, _ = ParseStat(o.ExecutorResourceStats[name]) // validated; none: 0, 0
		res[name] = r
	}
	return api.LaunchContext{
		LocalResources: res,
		Environment:    env,
		Commands: []string{
			shellWord("./" + o.Binary),
			"1>" + api.PlaceholderLogDir + "/stdout", "2>" + api.PlaceholderLogDir + "/stderr",
		},
	}
}

// DriverEnviron is the cluster-mode driver's environment: base (the AM's,
// KEY=VALUE entries) without the AM token, then the conf's
// spark.yarn.appMasterEnv.X, --driver-env, and the protocol's driver
// variables on top. The result is sorted.
func (o Options) DriverEnviron(base []string, app api.ApplicationID, host, infoFile string) []string {
	env := map[string]string{}
	for _, kv := range base {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env[k] = v
		}
	}
	delete(env, api.EnvAMToken)
	maps.Copy(env, confEnv(o.Conf, protocol.ConfAMEnvPrefix))
	maps.Copy(env, o.DriverEnv)
	env[protocol.EnvRole] = protocol.RoleDriver
	env[protocol.EnvDriverHost] = host
	env[protocol.EnvDriverInfoFile] = infoFile
	env[protocol.EnvAppID] = app.String()
	env[protocol.EnvExecutors] = strconv.Itoa(o.NumExecutors)
	env[protocol.EnvExecutorCores] = strconv.FormatInt(o.ExecutorCores, 10)
	env[protocol.EnvConf] = confJSON(o.Conf)
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// confEnv picks the variables named by conf keys prefix+NAME.
func confEnv(conf map[string]string, prefix string) map[string]string {
	env := map[string]string{}
	for k, v := range conf {
		if name, ok := strings.CutPrefix(k, prefix); ok && validEnvName(name) {
			env[name] = v
		}
	}
	return env
}

// confJSON is the conf as protocol.EnvConf's JSON object ("{}" when empty).
func confJSON(conf map[string]string) string {
	if conf == nil {
		conf = map[string]string{}
	}
	b, err := json.Marshal(conf) // a map of strings always marshals
	if err != nil {
		return "{}"
	}
	return string(b)
}

// shellWord quotes s for a POSIX shell when it holds anything but plain
// file-name characters.
func shellWord(s string) string {
	plain := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("./_-+,:@%", r))
	}) < 0
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
