package appmaster_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.uber.org/zap/zaptest"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster"
	"github.com/goyarn/goyarn/appmaster/amtest"
)

func TestNMClientStartStatusStop(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	nm := amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	_ = c.AddRequest(1, size, 1)
	ct := allocate(t, c).Allocated[0]
	nmc := appmaster.NewNMClient(appmaster.NMConfig{}, zaptest.NewLogger(t))
	t.Cleanup(nmc.Close)
	ctx := context.Background()

	launch := api.LaunchContext{Commands: []string{"sleep", "10"}, Environment: map[string]string{"A": "1"}}
	if err := nmc.StartContainer(ctx, ct, launch); err != nil {
		t.Fatal(err)
	}
	if got := nm.Launches()[ct.ID]; strings.Join(got.Commands, " ") != "sleep 10" || got.Environment["A"] != "1" {
		t.Errorf("NM got launch %+v", got)
	}
	if err := nmc.StartContainer(ctx, ct, launch); !errors.Is(err, appmaster.ErrContainerStart) || !strings.Contains(err.Error(), "already started") {
		t.Errorf("second start: err = %v, want ErrContainerStart naming the reason", err)
	}
	st, err := nmc.Status(ctx, ct)
	if err != nil || st.State != api.RunRunning {
		t.Fatalf("status = %+v, %v", st, err)
	}
	if err := nmc.StopContainer(ctx, ct); err != nil {
		t.Fatal(err)
	}
	st, err = nmc.Status(ctx, ct)
	if err != nil || st.State != api.RunComplete || st.ExitStatus != api.ExitKilledByAppMaster {
		t.Errorf("status after stop = %+v, %v", st, err)
	}
}

func TestNMClientRefusals(t *testing.T) {
	rm := amtest.NewFakeRM(t, amtest.RMOptions{})
	amtest.NewFakeNM(t, rm, amtest.NMOptions{Hold: true})
	c := newClient(t, rm, nil, rm.Addr())
	register(t, c)
	_ = c.AddRequest(1, size, 1)
	ct := allocate(t, c).Allocated[0]
	nmc := appmaster.NewNMClient(appmaster.NMConfig{}, nil)
	t.Cleanup(nmc.Close)
	ctx := context.Background()

	forged := ct
	forged.Token.Resource = api.Res(65536, 64) // no longer what the RM signed
	if err := nmc.StartContainer(ctx, forged, api.LaunchContext{}); !errors.Is(err, appmaster.ErrContainerStart) || !strings.Contains(err.Error(), "signature") {
		t.Errorf("forged token: err = %v", err)
	}
	if _, err := nmc.Status(ctx, ct); !errors.Is(err, appmaster.ErrContainerStatus) {
		t.Errorf("status of a container never started: err = %v", err)
	}
	nowhere := ct
	nowhere.NodeID = api.NodeID{}
	if err := nmc.StopContainer(ctx, nowhere); !errors.Is(err, appmaster.ErrContainerStop) {
		t.Errorf("no node: err = %v", err)
	}
}
