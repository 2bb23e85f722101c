package appmaster

import (
	"reflect"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
)

func rr(p int32, mb, vc int64, n int32) rpc.ResourceRequest {
	return rpc.ResourceRequest{Priority: p, ResourceName: "*", Capability: api.Res(mb, vc), NumContainers: n}
}

func TestAskTable(t *testing.T) {
	small, big := api.Res(1024, 1), api.Res(2048, 2)
	tests := []struct {
		name string
		ops  func(t *askTable)
		want []rpc.ResourceRequest // what take returns after ops
		sum  int
	}{
		{"nothing", func(*askTable) {}, []rpc.ResourceRequest{}, 0},
		{"totals not increments", func(a *askTable) {
			a.set(askKey{1, small}, 3)
			a.take()
			a.set(askKey{1, small}, 5)
		}, []rpc.ResourceRequest{rr(1, 1024, 1, 5)}, 5},
		{"unchanged total is not sent", func(a *askTable) {
			a.set(askKey{1, small}, 3)
			a.take()
			a.set(askKey{1, small}, 3)
		}, []rpc.ResourceRequest{}, 3},
		{"sorted by priority then size", func(a *askTable) {
			a.set(askKey{2, small}, 1)
			a.set(askKey{1, big}, 1)
			a.set(askKey{1, small}, 1)
		}, []rpc.ResourceRequest{rr(1, 1024, 1, 1), rr(1, 2048, 2, 1), rr(2, 1024, 1, 1)}, 3},
		{"cancel sends zero once", func(a *askTable) {
			a.set(askKey{1, small}, 2)
			a.take()
			a.set(askKey{1, small}, 0)
		}, []rpc.ResourceRequest{rr(1, 1024, 1, 0)}, 0},
		{"match decrements without sending", func(a *askTable) {
			a.set(askKey{1, small}, 2)
			a.take()
			a.matched(1, small)
		}, []rpc.ResourceRequest{}, 1},
		{"match prefers exact capability", func(a *askTable) {
			a.set(askKey{1, small}, 1)
			a.set(askKey{1, big}, 1)
			a.take()
			a.matched(1, small)
			a.set(askKey{1, big}, 3)
		}, []rpc.ResourceRequest{rr(1, 2048, 2, 3)}, 3},
		{"rounded-up container matches the largest fitting ask", func(a *askTable) {
			a.set(askKey{1, api.Res(500, 1)}, 1)
			a.set(askKey{1, api.Res(1000, 1)}, 1)
			a.take()
			a.matched(1, api.Res(1024, 1))
			a.set(askKey{1, api.Res(500, 1)}, 1) // unchanged: the 1000 one matched
		}, []rpc.ResourceRequest{}, 1},
		{"other priority does not match", func(a *askTable) {
			a.set(askKey{1, small}, 1)
			a.take()
			a.matched(2, small)
		}, []rpc.ResourceRequest{}, 1},
		{"remark resends current totals", func(a *askTable) {
			a.set(askKey{1, small}, 2)
			sent := a.take()
			a.matched(1, small)
			a.remark(sent)
		}, []rpc.ResourceRequest{rr(1, 1024, 1, 1)}, 1},
		{"markAll resends every positive total", func(a *askTable) {
			a.set(askKey{1, small}, 2)
			a.set(askKey{2, big}, 1)
			a.take()
			a.matched(2, big)
			a.markAll()
		}, []rpc.ResourceRequest{rr(1, 1024, 1, 2)}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newAskTable()
			tc.ops(a)
			if got := a.take(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("take = %+v, want %+v", got, tc.want)
			}
			if got := a.sum(); got != tc.sum {
				t.Errorf("sum = %d, want %d", got, tc.sum)
			}
			if again := a.take(); len(again) != 0 {
				t.Errorf("second take = %+v, want nothing", again)
			}
		})
	}
}
