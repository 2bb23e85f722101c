package mem

import (
	"testing"

	"github.com/goyarn/goyarn/resourcemanager/store"
	"github.com/goyarn/goyarn/resourcemanager/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Factory{
		New: func(t *testing.T) store.Store { return New() },
	})
}
