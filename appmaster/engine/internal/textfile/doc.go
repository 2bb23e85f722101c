// Package textfile turns a path, a comma-separated list of paths, globs or
// directories into splits of text files (Plan) and reads the lines of one
// split (Lines), Hadoop-style: a split owns the lines that start inside it,
// so no line is ever cut in two or read twice.
//
// It reads the local filesystem only and imports nothing of the project.
package textfile
