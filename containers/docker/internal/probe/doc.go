// Command probe is a tiny static helper the docker runtime's tests localize
// into a container's work dir (the shell cannot allocate memory or dial):
//
//	probe alloc MB    allocate and touch MB of memory, print "allocated", hold it
//	probe dial ADDR   connect to the TCP address ADDR, write "hello\n", exit 0
//
// It is a test helper only: nothing in goyarn runs it.
package main
