package shuffle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

// FetchError says which map output a reducer could not get.
type FetchError struct {
	Block wire.BlockLoc
	Err   error
}

func (e *FetchError) Error() string {
	return fmt.Sprintf("fetching map output %d from executor %s (%s): %v", e.Block.Map, e.Block.ExecutorID, e.Block.Addr, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// Fetcher gets blocks: from the local store when the executor holds them
// itself, else over HTTP from the executor that does.
type Fetcher struct {
	HTTP       *http.Client
	Local      *Store // may be nil
	LocalID    string // the executor id whose blocks Local holds
	Parallel   int    // concurrent fetches (default 4)
	Retries    int    // extra tries after a transport failure (default 2)
	RetryPause time.Duration
}

// All fetches reduce partition reduce of every block in locs and calls each
// with each block's bytes, one call at a time from the calling goroutine, in
// arrival order. The first failure stops everything: a block that cannot be
// fetched is a *FetchError, an error from each is returned as it is.
func (f *Fetcher) All(ctx context.Context, locs []wire.BlockLoc, reduce int, each func(wire.BlockLoc, []byte) error) error {
	ctx, cancel := context.WithCancel(ctx)
	type got struct {
		loc  wire.BlockLoc
		data []byte
		err  error
	}
	par := f.Parallel
	if par <= 0 {
		par = 4
	}
	work := make(chan wire.BlockLoc)
	out := make(chan got)
	var wg sync.WaitGroup
	for range min(par, len(locs)) {
		wg.Go(func() {
			for loc := range work {
				data, err := f.One(ctx, loc, reduce)
				select {
				case out <- got{loc, data, err}:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		defer close(work)
		for _, l := range locs {
			select {
			case work <- l:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer func() {
		cancel()
		wg.Wait()
	}()
	for range locs {
		var g got
		select {
		case g = <-out:
		case <-ctx.Done():
			return ctx.Err()
		}
		if g.err != nil {
			return g.err
		}
		if err := each(g.loc, g.data); err != nil {
			return err
		}
	}
	return nil
}

// One fetches one block, retrying transport failures a little.
func (f *Fetcher) One(ctx context.Context, loc wire.BlockLoc, reduce int) ([]byte, error) {
	if f.Local != nil && loc.ExecutorID == f.LocalID {
		rc, _, err := f.Local.Open(loc.File, reduce)
		if err != nil {
			return nil, &FetchError{Block: loc, Err: err}
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			return nil, &FetchError{Block: loc, Err: err}
		}
		return data, nil
	}
	pause := f.RetryPause
	if pause <= 0 {
		pause = 100 * time.Millisecond
	}
	retries := f.Retries
	if retries == 0 {
		retries = 2
	}
	var err error
	for try := 0; ; try++ {
		var data []byte
		data, err = f.get(ctx, loc, reduce)
		if err == nil {
			return data, nil
		}
		var se *wire.StatusError
		if ctx.Err() != nil || errors.As(err, &se) || try >= retries {
			break
		}
		t := time.NewTimer(pause << try)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, &FetchError{Block: loc, Err: err}
}

func (f *Fetcher) get(ctx context.Context, loc wire.BlockLoc, reduce int) ([]byte, error) {
	url := "http://" + loc.Addr + wire.PathShuffle + loc.File + "/" + strconv.Itoa(reduce)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	res, err := f.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", wire.ErrUnreachable, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return nil, &wire.StatusError{Code: res.StatusCode, Body: string(body)}
	}
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: reading block: %w", wire.ErrUnreachable, err)
	}
	return data, nil
}
