package client

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/goyarn/goyarn/api"
)

// FollowContainerLog copies a container's log file to w as it grows, as
// `tail -f` does, starting at byte from: every interval it asks the NM for
// the file's size and fetches the bytes past what it has copied. NM errors
// (the container not started yet, the node briefly unreachable) are
// retried on the next poll. When stop is closed it reads once more and
// returns; it also returns on ctx's end or when writing to w fails. It
// returns the offset it reached and, after stop, the NM error of the final
// read, if any.
//
// The NM's ?size=-N serves the last N bytes of the file as it is when
// asked, so a fetch is only trusted when the file kept the size it had when
// listed; if it grew in between, the stable prefix (?size=N) is fetched
// instead and the part already copied is skipped. A file that shrinks (it
// was replaced) is followed from its new end.
func (n *NodeClient) FollowContainerLog(ctx context.Context, id api.ContainerID, file string, w io.Writer,
	from int64, interval time.Duration, stop <-chan struct{}) (int64, error) {
	if interval <= 0 {
		interval = time.Second
	}
	off := from
	for {
		stopping := false
		select {
		case <-stop:
			stopping = true
		default:
		}
		data, next, nmErr := n.fetchNew(ctx, id, file, off)
		if len(data) > 0 {
			if _, err := w.Write(data); err != nil {
				return off, err
			}
		}
		off = next
		if ctx.Err() != nil {
			return off, ctx.Err()
		}
		if stopping {
			return off, nmErr
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return off, ctx.Err()
		case <-stop:
			t.Stop()
		case <-t.C:
		}
	}
}

// logSize returns the size of a container's log file as the NM lists it.
func (n *NodeClient) logSize(ctx context.Context, id api.ContainerID, file string) (int64, error) {
	files, err := n.ContainerLogFiles(ctx, id)
	if err != nil {
		return 0, err
	}
	for _, f := range files {
		if f.FileName == file {
			size, err := strconv.ParseInt(f.FileSize, 10, 64)
			if err != nil || size < 0 {
				return 0, fmt.Errorf("%w from NodeManager %s: size %q of %s", ErrBadResponse, n.base, f.FileSize, file)
			}
			return size, nil
		}
	}
	return 0, nil // not written yet
}

// readLog fetches size bytes of a log file (YARN's -size semantics) and
// checks that exactly want bytes came.
func (n *NodeClient) readLog(ctx context.Context, id api.ContainerID, file string, size, want int64) ([]byte, error) {
	body, _, err := n.OpenContainerLog(ctx, id, file, size)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, want+1))
	if err != nil {
		return nil, fmt.Errorf("%w: NodeManager %s: reading %s of %s: %w", ErrUnreachable, n.base, file, id, err)
	}
	if int64(len(data)) != want {
		return nil, fmt.Errorf("%w from NodeManager %s: %d bytes of %s, want %d", ErrBadResponse, n.base, len(data), file, want)
	}
	return data, nil
}

// fetchNew returns the bytes of the file past off and the offset after
// them; on an NM error, nothing and off.
func (n *NodeClient) fetchNew(ctx context.Context, id api.ContainerID, file string, off int64) ([]byte, int64, error) {
	size, err := n.logSize(ctx, id, file)
	switch {
	case err != nil:
		return nil, off, err
	case size < off: // replaced by a shorter file: go on from its end
		return nil, size, nil
	case size == off:
		return nil, off, nil
	}
	data, err := n.readLog(ctx, id, file, -(size - off), size-off)
	if err != nil {
		return nil, off, err
	}
	again, err := n.logSize(ctx, id, file)
	if err != nil {
		return nil, off, err
	}
	if again != size { // grew while fetched: the tail may be misaligned
		prefix, err := n.readLog(ctx, id, file, again, again)
		if err != nil {
			return nil, off, err
		}
		if int64(len(prefix)) < off {
			return nil, again, nil
		}
		data, size = prefix[off:], again
	}
	return data, size, nil
}
