package shell

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ls [-aAl1d] [PATH]…: lists directories (sorted, one name per line) and
// files; -l adds mode, links, uid, gid, size and modification time.
func lsCmd(c *call) error {
	set, args, ok := c.flags("aAl1d", "")
	if !ok {
		return nil
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	var files, dirs []string
	for _, a := range args {
		fi, err := os.Stat(c.path(a))
		switch {
		case err != nil:
			c.errorf("cannot access '%s': %v", a, unwrapPath(err))
		case fi.IsDir() && set['d'] == "":
			dirs = append(dirs, a)
		default:
			files = append(files, a)
		}
	}
	sort.Strings(files)
	sort.Strings(dirs)
	for _, f := range files {
		c.lsEntry(set['l'] != "", c.path(f), f)
	}
	for i, d := range dirs {
		if len(args) > 1 {
			if i > 0 || len(files) > 0 {
				fmt.Fprintln(c.hc.Stdout)
			}
			fmt.Fprintf(c.hc.Stdout, "%s:\n", d)
		}
		entries, err := os.ReadDir(c.path(d))
		if err != nil {
			c.errorf("cannot open directory '%s': %v", d, unwrapPath(err))
			continue
		}
		names := []string{}
		if set['a'] != "" {
			names = append(names, ".", "..")
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") || set['a'] != "" || set['A'] != "" {
				names = append(names, e.Name())
			}
		}
		for _, n := range names {
			c.lsEntry(set['l'] != "", c.path(d)+"/"+n, n)
		}
	}
	return nil
}

func (c *call) lsEntry(long bool, path, name string) {
	if !long {
		fmt.Fprintln(c.hc.Stdout, name)
		return
	}
	fi, err := os.Lstat(path)
	if err != nil {
		c.errorf("cannot access '%s': %v", name, unwrapPath(err))
		return
	}
	var links, uid, gid uint64 = 1, 0, 0
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		links, uid, gid = uint64(st.Nlink), uint64(st.Uid), uint64(st.Gid)
	}
	target := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if t, err := os.Readlink(path); err == nil {
			target = " -> " + t
		}
	}
	fmt.Fprintf(c.hc.Stdout, "%s %d %d %d %d %s %s%s\n", modeString(fi.Mode()), links, uid, gid, fi.Size(),
		fi.ModTime().Format("Jan _2 15:04"), name, target)
}

// modeString is ls's ten-character mode, e.g. drwxr-xr-x.
func modeString(m fs.FileMode) string {
	b := []byte("----------")
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	case m&fs.ModeNamedPipe != 0:
		b[0] = 'p'
	case m&fs.ModeSocket != 0:
		b[0] = 's'
	case m&fs.ModeCharDevice != 0:
		b[0] = 'c'
	case m&fs.ModeDevice != 0:
		b[0] = 'b'
	}
	for i, ch := range "rwxrwxrwx" {
		if m.Perm()&(1<<uint(8-i)) != 0 {
			b[i+1] = byte(ch)
		}
	}
	if m&fs.ModeSticky != 0 {
		b[9] = map[bool]byte{true: 't', false: 'T'}[b[9] == 'x']
	}
	return string(b)
}

// mkdir [-p] [-m MODE] DIR…
func mkdirCmd(c *call) error {
	set, args, ok := c.flags("p", "m")
	if !ok {
		return nil
	}
	mode := fs.FileMode(0o777)
	if m, has := set['m']; has {
		n, err := strconv.ParseUint(m, 8, 32)
		if err != nil || n > 0o7777 {
			c.usagef("invalid mode '%s' (octal only)", m)
			return nil
		}
		mode = fs.FileMode(n)
	}
	if len(args) == 0 {
		c.usagef("missing operand")
		return nil
	}
	for _, d := range args {
		var err error
		if set['p'] != "" {
			err = os.MkdirAll(c.path(d), mode)
		} else {
			err = os.Mkdir(c.path(d), mode)
		}
		if err == nil && set['m'] != "" {
			err = os.Chmod(c.path(d), mode)
		}
		if err != nil {
			c.errorf("cannot create directory '%s': %v", d, unwrapPath(err))
		}
	}
	return nil
}

// rm [-f] [-r|-R] FILE…
func rmCmd(c *call) error {
	set, args, ok := c.flags("frRd", "")
	if !ok {
		return nil
	}
	force, recursive := set['f'] != "", set['r'] != "" || set['R'] != ""
	if len(args) == 0 && !force {
		c.usagef("missing operand")
		return nil
	}
	for _, a := range args {
		p := c.path(a)
		fi, err := os.Lstat(p)
		switch {
		case err != nil:
			if !force || !os.IsNotExist(err) {
				c.errorf("cannot remove '%s': %v", a, unwrapPath(err))
			}
		case fi.IsDir() && recursive:
			err = os.RemoveAll(p)
		case fi.IsDir() && set['d'] == "":
			c.errorf("cannot remove '%s': Is a directory", a)
		default:
			err = os.Remove(p)
		}
		if err != nil && fi != nil {
			c.errorf("cannot remove '%s': %v", a, unwrapPath(err))
		}
	}
	return nil
}

// countArgs handles head and tail's options: -n N, -c N, and the old -N.
func (c *call) countArgs() (n int64, bytesMode, fromStart, follow bool, files []string, ok bool) {
	if len(c.args) > 0 && len(c.args[0]) > 1 && c.args[0][0] == '-' {
		if v, err := strconv.ParseInt(c.args[0][1:], 10, 64); err == nil {
			c.args = append([]string{"-n", strconv.FormatInt(v, 10)}, c.args[1:]...)
		}
	}
	set, files, ok := c.flags("fqv", "nc")
	if !ok {
		return 0, false, false, false, nil, false
	}
	n, v := 10, set['n']
	if cv, has := set['c']; has {
		bytesMode, v = true, cv
	}
	if v != "" {
		fromStart = strings.HasPrefix(v, "+")
		parsed, err := strconv.ParseInt(strings.TrimPrefix(v, "+"), 10, 64)
		if err != nil || parsed < 0 {
			c.usagef("invalid number '%s'", v)
			return 0, false, false, false, nil, false
		}
		return parsed, bytesMode, fromStart, set['f'] != "", files, true
	}
	return int64(n), bytesMode, false, set['f'] != "", files, true
}

// eachInput runs fn on every operand (none: stdin), with ==> name <==
// headers when there are several.
func (c *call) eachInput(files []string, fn func(name string, r io.Reader)) {
	if len(files) == 0 {
		files = []string{"-"}
	}
	for i, name := range files {
		f, err := c.openInput(name)
		if err != nil {
			c.fileErr(name, err)
			continue
		}
		if len(files) > 1 {
			if i > 0 {
				fmt.Fprintln(c.hc.Stdout)
			}
			fmt.Fprintf(c.hc.Stdout, "==> %s <==\n", name)
		}
		fn(name, f)
		f.Close()
	}
}

// head [-n N | -c N | -N] [FILE]…: the first N lines (10) or bytes.
func headCmd(c *call) error {
	n, bytesMode, _, _, files, ok := c.countArgs()
	if !ok {
		return nil
	}
	c.eachInput(files, func(_ string, r io.Reader) {
		if bytesMode {
			_, _ = io.Copy(c.hc.Stdout, io.LimitReader(r, n))
			return
		}
		br := bufio.NewReader(r)
		for i := int64(0); i < n; i++ {
			line, err := br.ReadBytes('\n')
			_, _ = c.hc.Stdout.Write(line)
			if err != nil {
				return
			}
		}
	})
	return nil
}

// tail [-f] [-n [+]N | -c [+]N | -N] [FILE]…: the last N lines (10) or
// bytes, or from line/byte N with +N; -f then follows one file's growth
// until a signal or the shell's end.
func tailCmd(c *call) error {
	n, bytesMode, fromStart, follow, files, ok := c.countArgs()
	if !ok {
		return nil
	}
	c.eachInput(files, func(_ string, r io.Reader) {
		data, _ := io.ReadAll(r)
		_, _ = c.hc.Stdout.Write(tailOf(data, n, bytesMode, fromStart))
	})
	if follow && len(files) == 1 && files[0] != "-" {
		c.follow(c.path(files[0]))
	}
	return nil
}

func tailOf(data []byte, n int64, bytesMode, fromStart bool) []byte {
	if bytesMode {
		if fromStart {
			return data[min(max(n-1, 0), int64(len(data))):]
		}
		return data[max(int64(len(data))-n, 0):]
	}
	if fromStart {
		for line := int64(1); line < n && len(data) > 0; line++ {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				return nil
			}
			data = data[i+1:]
		}
		return data
	}
	end := len(data)
	if end > 0 && data[end-1] == '\n' {
		end--
	}
	start := end
	for count := int64(0); start > 0; start-- {
		if data[start-1] == '\n' {
			if count++; count == n {
				break
			}
		}
	}
	if n == 0 {
		return nil
	}
	return data[start:]
}

// follow prints what is appended to path until interrupted.
func (c *call) follow(path string) {
	fi, err := os.Stat(path)
	if err != nil {
		return
	}
	off := fi.Size()
	for {
		if st := c.interruptible(200 * time.Millisecond); st != 0 {
			c.status = st
			return
		}
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		if fi, err := f.Stat(); err == nil && fi.Size() < off {
			off = 0 // truncated
		}
		written, _ := io.Copy(c.hc.Stdout, io.NewSectionReader(f, off, 1<<62))
		off += written
		f.Close()
	}
}

// wc [-lwcm] [FILE]…: line, word and byte counts (all three by default),
// with a total for several files.
func wcCmd(c *call) error {
	set, files, ok := c.flags("lwcm", "")
	if !ok {
		return nil
	}
	if len(set) == 0 {
		set = map[rune]string{'l': "true", 'w': "true", 'c': "true"}
	}
	var total [3]int64
	print := func(counts [3]int64, name string) {
		var parts []string
		for i, f := range []rune{'l', 'w', 'c'} {
			if set[f] != "" || (f == 'c' && set['m'] != "") {
				parts = append(parts, strconv.FormatInt(counts[i], 10))
			}
		}
		if name != "" {
			parts = append(parts, name)
		}
		fmt.Fprintln(c.hc.Stdout, strings.Join(parts, " "))
	}
	named := len(files) > 0
	if !named {
		files = []string{"-"}
	}
	for _, name := range files {
		f, err := c.openInput(name)
		if err != nil {
			c.fileErr(name, err)
			continue
		}
		data, _ := io.ReadAll(f)
		f.Close()
		counts := [3]int64{int64(bytes.Count(data, []byte{'\n'})), int64(len(bytes.Fields(data))), int64(len(data))}
		if set['m'] != "" {
			counts[2] = int64(len([]rune(string(data))))
		}
		for i := range total {
			total[i] += counts[i]
		}
		if named {
			print(counts, name)
		} else {
			print(counts, "")
		}
	}
	if len(files) > 1 {
		print(total, "total")
	}
	return nil
}
