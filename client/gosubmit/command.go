package gosubmit

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
	"github.com/goyarn/goyarn/client"
)

// appType is the application type gosubmit submits, as spark-submit's.
const appType = "SPARK"

// amCommand is the ApplicationMaster's command line:
//
//	./appmaster spark --deploy-mode <mode> --binary <name>
//	  [--arg <a>]…                      (cluster mode: the application's arguments)
//	  [--driver-url <host:port>]        (client mode: the driver running in gosubmit)
//	  --num-executors N --executor-memory MB --executor-cores C
//	  --executor-resource <name>=<URL>…   (the binary, then each --files)
//	  --executor-resource-stat <name>=<size>:<timestamp>… (as staged)
//	  [--executor-env K=V]… [--driver-env K=V]… (cluster mode) [--conf k=v]…
//	  [--executor-image <image>]
//	  1><LOG_DIR>/stdout 2><LOG_DIR>/stderr
//
// Every word but the redirections is quoted with client.ShellQuote; the NM
// runs the line with /bin/sh and replaces <LOG_DIR>. resources maps a
// resource name to its staged URL. Conf excludes the env prefixes (they
// become --executor-env and --driver-env); all lists are in sorted order.
func (sp *spec) amCommand(resources map[string]api.LocalResource, driverURL string) []string {
	w := []string{"./" + appmasterName, "spark", "--deploy-mode", sp.mode, "--binary", sp.binary.key}
	if sp.mode == modeCluster {
		for _, a := range sp.args {
			w = append(w, "--arg", a)
		}
	} else {
		w = append(w, "--driver-url", driverURL)
	}
	w = append(w, "--num-executors", strconv.Itoa(sp.executors),
		"--executor-memory", strconv.FormatInt(sp.executorMB, 10),
		"--executor-cores", strconv.FormatInt(sp.executorCores, 10))
	for _, f := range append([]stagedFile{sp.binary}, sp.files...) {
		r := resources[f.key]
		w = append(w, "--executor-resource", f.key+"="+r.URL)
		if r.Size > 0 || r.Timestamp > 0 {
			w = append(w, "--executor-resource-stat", fmt.Sprintf("%s=%d:%d", f.key, r.Size, r.Timestamp))
		}
	}
	for _, k := range sortedKeys(sp.executorEnv) {
		w = append(w, "--executor-env", k+"="+sp.executorEnv[k])
	}
	if sp.mode == modeCluster {
		for _, k := range sortedKeys(sp.amEnv) {
			w = append(w, "--driver-env", k+"="+sp.amEnv[k])
		}
	}
	for _, k := range sortedKeys(sp.conf) {
		if strings.HasPrefix(k, protocol.ConfExecutorEnvPrefix) || strings.HasPrefix(k, protocol.ConfAMEnvPrefix) {
			continue
		}
		w = append(w, "--conf", k+"="+sp.conf[k])
	}
	if sp.image != "" {
		w = append(w, "--executor-image", sp.image)
	}
	return w
}

// commandLine quotes words for /bin/sh and adds the log redirections.
func commandLine(words []string) string {
	q := make([]string, 0, len(words)+2)
	for _, w := range words {
		q = append(q, client.ShellQuote(w))
	}
	q = append(q, "1>"+api.PlaceholderLogDir+"/stdout", "2>"+api.PlaceholderLogDir+"/stderr")
	return strings.Join(q, " ")
}

// submission is the application-submission-context of the AM.
func (sp *spec) submission(id api.ApplicationID, resources map[string]api.LocalResource, driverURL string) api.SubmissionContext {
	env := make(map[string]string, len(sp.amEnv)+1)
	maps.Copy(env, sp.amEnv)
	if sp.secret != "" {
		env[protocol.EnvSecret] = sp.secret // in the environment, never on a command line
	}
	if sp.preserveStaging {
		env[api.EnvPreserveStaging] = "true" // the RM deletes the staging dir otherwise
	}
	return api.SubmissionContext{
		ApplicationID:   id,
		Name:            sp.name,
		Queue:           sp.queue,
		ApplicationType: appType,
		AMResource:      api.Res(sp.amMB, sp.amCores),
		MaxAttempts:     sp.maxAttempts,
		AMContainer: api.LaunchContext{
			LocalResources: resources,
			Environment:    env,
			Commands:       []string{commandLine(sp.amCommand(resources, driverURL))},
		},
	}
}

// driverEnv is the protocol's environment of a client-mode driver, added
// to the inherited environment.
func (sp *spec) driverEnv(id api.ApplicationID, infoFile string) []string {
	conf, _ := json.Marshal(sp.conf) // a map of strings always encodes
	return []string{
		protocol.EnvRole + "=" + protocol.RoleDriver,
		protocol.EnvAppID + "=" + id.String(),
		protocol.EnvDriverHost + "=" + sp.driverHost,
		protocol.EnvDriverInfoFile + "=" + infoFile,
		protocol.EnvExecutors + "=" + strconv.Itoa(sp.executors),
		protocol.EnvExecutorCores + "=" + strconv.FormatInt(sp.executorCores, 10),
		protocol.EnvConf + "=" + string(conf),
		protocol.EnvSecret + "=" + sp.secret,
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
