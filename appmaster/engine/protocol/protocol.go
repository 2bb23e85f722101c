// Package protocol is the contract between the three parties of a
// Spark-style application: the engine inside the user's binary (driver and
// executors), the ApplicationMaster (`appmaster spark`) and gosubmit.
//
//   - gosubmit stages the user's binary and files, then (client mode) starts
//     the binary as the driver with the driver environment below, or (cluster
//     mode) submits an AM whose command is `appmaster spark --deploy-mode
//     cluster …`, and the AM starts the driver in its own container.
//   - The driver listens on EnvDriverHost:0 and writes DriverInfo as JSON to
//     EnvDriverInfoFile once it serves. It waits for executors to register,
//     runs the user's main, then reports a final DriverStatus and waits (up to
//     AckTimeout) for the AM's ack before exiting.
//   - The AM launches executors — the same binary with the executor
//     environment — on the containers the RM grants, tells the driver about
//     executors whose containers ended (PathExecutorLost), polls
//     PathDriverStatus, and when the driver's state is final stops the
//     executors, acks, and unregisters with the driver's outcome.
//
// Everything here is plain data: paths, environment names, messages and the
// spark-submit configuration keys the engine and AM read.
package protocol

import "time"

// Environment of every engine process.
const (
	// EnvRole is RoleDriver or RoleExecutor; unset means local mode: the
	// binary runs its driver with in-process executors (for development).
	EnvRole      = "GOYARN_ENGINE_ROLE"
	RoleDriver   = "driver"
	RoleExecutor = "executor"
	// EnvAppID is the YARN application id (driver and executors).
	EnvAppID = "GOYARN_ENGINE_APP_ID"
	// EnvConf is a JSON object of the --conf key/values.
	EnvConf = "GOYARN_ENGINE_CONF"
	// EnvSecret is the application's shared secret: gosubmit makes a random
	// one per application and passes it through the environment (never the
	// command line) to the AM, which hands it to the driver and executors.
	// Every engine endpoint — the driver's, the AM's calls to it, the
	// executors' — requires it as "Authorization: Bearer <secret>".
	EnvSecret = "GOYARN_ENGINE_SECRET"
)

// Driver environment.
const (
	// EnvDriverHost is the host the driver binds and advertises.
	EnvDriverHost = "GOYARN_ENGINE_DRIVER_HOST"
	// EnvDriverInfoFile is where the driver writes DriverInfo once listening
	// (atomically: temp file + rename).
	EnvDriverInfoFile = "GOYARN_ENGINE_DRIVER_INFO_FILE"
	// EnvExecutors is the number of executors requested.
	EnvExecutors = "GOYARN_ENGINE_EXECUTORS"
	// EnvExecutorCores is each executor's core count.
	EnvExecutorCores = "GOYARN_ENGINE_EXECUTOR_CORES"
	// EnvLocalExecutors, in local mode only, is how many in-process executors
	// run (default 2).
	EnvLocalExecutors = "GOYARN_ENGINE_LOCAL_EXECUTORS"
)

// Executor environment (the NM adds YARN's: CONTAINER_ID, NM_HOST, …).
const (
	// EnvDriverURL is the driver's host:port.
	EnvDriverURL = "GOYARN_ENGINE_DRIVER_URL"
	// EnvExecutorID is the executor's id, assigned by the AM ("1", "2", …).
	EnvExecutorID = "GOYARN_ENGINE_EXECUTOR_ID"
	// EnvExecutorHost is the host the executor binds and advertises
	// (default NM_HOST).
	EnvExecutorHost = "GOYARN_ENGINE_EXECUTOR_HOST"
)

// DriverInfo is what the driver writes to EnvDriverInfoFile.
type DriverInfo struct {
	URL string `json:"url"` // host:port of the driver's endpoints
	PID int    `json:"pid"`
}

// Endpoints the driver serves (HTTP, JSON bodies).
const (
	// PathRegisterExecutor: POST RegisterExecutorRequest → RegisterExecutorResponse.
	PathRegisterExecutor = "/engine/v1/executors/register"
	// PathExecutorLost: POST ExecutorLostRequest (from the AM) → 200.
	PathExecutorLost = "/engine/v1/executors/lost"
	// PathDriverStatus: GET → DriverStatus.
	PathDriverStatus = "/engine/v1/driver/status"
	// PathDriverAck: POST (from the AM, once it has seen a final state) → 200;
	// the driver may then exit.
	PathDriverAck = "/engine/v1/driver/ack"
)

// RegisterExecutorRequest is an executor announcing itself to the driver.
type RegisterExecutorRequest struct {
	ExecutorID      string `json:"executorId"`
	Host            string `json:"host"`
	Port            int    `json:"port"`
	Cores           int    `json:"cores"`
	ContainerID     string `json:"containerId,omitempty"`
	NodeHTTPAddress string `json:"nodeHttpAddress,omitempty"`
	LogURL          string `json:"logUrl,omitempty"`
}

// RegisterExecutorResponse answers a registration.
type RegisterExecutorResponse struct {
	AppID string            `json:"appId"`
	Conf  map[string]string `json:"conf,omitempty"`
}

// ExecutorLostRequest tells the driver an executor's container ended.
type ExecutorLostRequest struct {
	ExecutorID  string `json:"executorId"`
	ContainerID string `json:"containerId,omitempty"`
	ExitStatus  int    `json:"exitStatus"`
	Reason      string `json:"reason"`
}

// DriverState is where the driver is in its life.
type DriverState string

// Driver states.
const (
	DriverWaiting   DriverState = "WAITING_FOR_EXECUTORS"
	DriverRunning   DriverState = "RUNNING"
	DriverSucceeded DriverState = "SUCCEEDED"
	DriverFailed    DriverState = "FAILED"
)

// Final reports whether no further state follows s.
func (s DriverState) Final() bool { return s == DriverSucceeded || s == DriverFailed }

// DriverStatus is the driver's answer to PathDriverStatus.
type DriverStatus struct {
	State DriverState `json:"state"`
	// Diagnostics explains a failure: the user's error or panic message.
	Diagnostics         string `json:"diagnostics,omitempty"`
	ExecutorsRequested  int    `json:"executorsRequested"`
	ExecutorsRegistered int    `json:"executorsRegistered"`
}

// AckTimeout bounds how long a finished driver waits for the AM's ack.
const AckTimeout = 30 * time.Second

// spark-submit configuration keys the engine, the AM and gosubmit read
// (--conf key=value), with their defaults.
const (
	ConfAppName               = "spark.app.name"
	ConfExecutorInstances     = "spark.executor.instances"                          // 2
	ConfExecutorCores         = "spark.executor.cores"                              // 1
	ConfExecutorMemory        = "spark.executor.memory"                             // 1g
	ConfDriverMemory          = "spark.driver.memory"                               // 1g
	ConfDriverCores           = "spark.driver.cores"                                // 1
	ConfDriverHost            = "spark.driver.host"                                 // client mode: 127.0.0.1
	ConfAMMemory              = "spark.yarn.am.memory"                              // client mode AM: 512m
	ConfMinRegisteredRatio    = "spark.scheduler.minRegisteredResourcesRatio"       // 0.8
	ConfMaxRegisteredWait     = "spark.scheduler.maxRegisteredResourcesWaitingTime" // 30s
	ConfTaskMaxFailures       = "spark.task.maxFailures"                            // 4
	ConfMaxExecutorFailures   = "spark.yarn.max.executor.failures"                  // max(2 × executors, 3)
	ConfExecutorEnvPrefix     = "spark.executorEnv."                                // spark.executorEnv.X=v
	ConfAMEnvPrefix           = "spark.yarn.appMasterEnv."                          // cluster mode: driver env
	ConfWaitAppCompletion     = "spark.yarn.submit.waitAppCompletion"               // true
	ConfMaxAppAttempts        = "spark.yarn.maxAppAttempts"
	ConfDefaultParallelism    = "spark.default.parallelism" // total executor cores
	ConfExecutorHeartbeatWait = "spark.network.timeout"     // 120s
)
