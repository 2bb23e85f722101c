package main

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: probe alloc MB | probe dial ADDR")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "alloc":
		mb, err := strconv.Atoi(os.Args[2])
		if err != nil || mb <= 0 {
			fmt.Fprintln(os.Stderr, "probe: bad size", os.Args[2])
			os.Exit(2)
		}
		buf := make([]byte, mb<<20)
		for i := 0; i < len(buf); i += 4096 {
			buf[i] = 1
		}
		fmt.Println("allocated")
		time.Sleep(time.Hour) // hold the memory until the container is killed
		runtime.KeepAlive(buf)
	case "dial":
		conn, err := net.DialTimeout("tcp", os.Args[2], 10*time.Second)
		if err != nil {
			fmt.Fprintln(os.Stderr, "probe:", err)
			os.Exit(1)
		}
		_, err = conn.Write([]byte("hello\n"))
		conn.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, "probe:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "probe: unknown command", os.Args[1])
		os.Exit(2)
	}
}
