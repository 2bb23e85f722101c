// Package examples holds real applications written against the engine
// (appmaster/engine): pi (SparkPi) and wordcount. Each builds into bin/ and
// runs unchanged under gosubmit in client and cluster mode, or directly on a
// laptop (local mode, in-process executors).
package examples
