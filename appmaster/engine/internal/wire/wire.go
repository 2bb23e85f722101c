package wire

// Paths the executors serve.
const (
	// PathTasks: POST TaskSpec → TaskResult. The request lasts as long as the
	// task runs; cancelling it cancels the task.
	PathTasks = "/engine/v1/tasks"
	// PathShuffle: GET PathShuffle + "<file>/<reduce>" → the bytes of one
	// shuffle block.
	PathShuffle = "/engine/v1/shuffle/"
	// PathExecutorStop: POST → 200; the executor then exits.
	PathExecutorStop = "/engine/v1/executor/stop"
)

// PathHeartbeat is served by the driver: POST HeartbeatRequest →
// HeartbeatResponse.
const PathHeartbeat = "/engine/v1/executors/heartbeat"

// Source kinds: where a task's records come from.
const (
	SourceParallelize = "parallelize"
	SourceRange       = "range"
	SourceText        = "text"
	SourceShuffle     = "shuffle"
)

// Sink kinds: where a task's records go.
const (
	SinkCollect = "collect"
	SinkCount   = "count"
	SinkReduce  = "reduce"
	SinkSave    = "save"
	SinkShuffle = "shuffle"
)

// Shuffle kinds: how a reducer merges the records of one key.
const (
	ShuffleReduceByKey = "reduceByKey"
	ShuffleGroupByKey  = "groupByKey"
)

// TaskSpec is one task: read a partition from Source, pipe it through the
// registered functions Ops in order, and hand the result to Sink.
type TaskSpec struct {
	TaskID       int64    `json:"taskId"` // unique per launch
	JobID        int      `json:"jobId"`
	StageID      int      `json:"stageId"`
	StageAttempt int      `json:"stageAttempt"`
	Partition    int      `json:"partition"`
	Attempt      int      `json:"attempt"` // 0 for the first try of this partition
	Source       Source   `json:"source"`
	Ops          []string `json:"ops,omitempty"`
	Sink         Sink     `json:"sink"`
}

// Source describes the records a task starts from.
type Source struct {
	Kind string `json:"kind"`
	// Type is the registered name of the record type the source yields
	// (for shuffles: the map side's record type).
	Type string `json:"type"`
	// Data is a parallelized partition, encoded by the type's codec.
	Data []byte `json:"data,omitempty"`
	// Lo and Hi bound a range partition: [Lo, Hi).
	Lo int `json:"lo,omitempty"`
	Hi int `json:"hi,omitempty"`
	// Path, Offset and Length are a text split: the lines that start in
	// [Offset, Offset+Length) of Path.
	Path   string `json:"path,omitempty"`
	Offset int64  `json:"offset,omitempty"`
	Length int64  `json:"length,omitempty"`
	// Shuffle is set for SourceShuffle.
	Shuffle *ShuffleRead `json:"shuffle,omitempty"`
}

// ShuffleRead is the reduce side of a shuffle: one reduce partition fetched
// from every map output.
type ShuffleRead struct {
	ShuffleID int        `json:"shuffleId"`
	Reduce    int        `json:"reduce"`
	Kind      string     `json:"kind"`           // ShuffleReduceByKey or ShuffleGroupByKey
	Func      string     `json:"func,omitempty"` // the reducer of ShuffleReduceByKey
	Blocks    []BlockLoc `json:"blocks"`         // one per map partition, in order
}

// BlockLoc says where one map output lives.
type BlockLoc struct {
	Map        int    `json:"map"`
	ExecutorID string `json:"executorId"`
	Addr       string `json:"addr"` // host:port of the executor serving it
	File       string `json:"file"` // the map output's file id on that executor
}

// Sink describes what a task does with its records.
type Sink struct {
	Kind string `json:"kind"`
	Type string `json:"type"`           // registered name of the records reaching the sink
	Func string `json:"func,omitempty"` // SinkReduce's reducer; SinkShuffle's map-side combiner
	// Dir is SinkSave's output directory.
	Dir string `json:"dir,omitempty"`
	// ShuffleID and NumReduce are SinkShuffle's.
	ShuffleID int `json:"shuffleId,omitempty"`
	NumReduce int `json:"numReduce,omitempty"`
}

// Task outcomes.
const (
	StatusSuccess     = "SUCCESS"
	StatusFailed      = "FAILED"
	StatusFetchFailed = "FETCH_FAILED"
)

// TaskResult is an executor's answer to a TaskSpec.
type TaskResult struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// Data is SinkCollect's records or SinkReduce's partial result (zero or
	// one record), encoded by the sink type's codec.
	Data []byte `json:"data,omitempty"`
	// Count is SinkCount's answer, and the number of records of the others.
	Count int64 `json:"count"`
	// MapOutput is set by a successful SinkShuffle task.
	MapOutput *MapOutput `json:"mapOutput,omitempty"`
	// FetchFailed is set with StatusFetchFailed.
	FetchFailed *FetchFailure `json:"fetchFailed,omitempty"`
}

// MapOutput is where a map task left its output on its executor.
type MapOutput struct {
	File  string  `json:"file"`
	Sizes []int64 `json:"sizes"` // bytes per reduce partition
}

// FetchFailure names the map output a reducer could not fetch.
type FetchFailure struct {
	ShuffleID  int    `json:"shuffleId"`
	Map        int    `json:"map"`
	ExecutorID string `json:"executorId"`
	Addr       string `json:"addr"`
}

// HeartbeatRequest is an executor's periodic "still here".
type HeartbeatRequest struct {
	ExecutorID string `json:"executorId"`
}

// HeartbeatResponse tells the executor whether the driver still counts on it.
type HeartbeatResponse struct {
	// Known is false when the driver has removed the executor: it must exit.
	Known bool `json:"known"`
	// Stop is true once the driver is done: the executor should exit.
	Stop bool `json:"stop"`
}
