package keystore

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/internal/proctest"
)

// writerEnv makes the test binary one writer of TestWritersInTwoRealProcesses:
// "<profile>,<writer>".
const writerEnv = "SEALDESK_KEYSTORE_TEST_WRITER"

// TestWritersInTwoRealProcesses: two processes (this test binary run
// again) write one name of the real Secret Service at once, as the app and
// sealctl can. One of their last values stands, whole; Delete then leaves
// no part behind.
func TestWritersInTwoRealProcesses(t *testing.T) {
	if spec, ok := proctest.Child(writerEnv); ok {
		writerProcess(t, spec)
		return
	}
	if os.Getenv("SEALDESK_TEST_KEYRING") != "1" {
		t.Skip("SEALDESK_TEST_KEYRING unset: needs the real Secret Service (scripts/with-keyring.sh)")
	}
	prof := profile(t)
	outs := proctest.Run(t, t.Name(), writerEnv, 2, func(w int) string { return fmt.Sprintf("%s,%d", prof, w) })
	if t.Failed() {
		return
	}
	lasts := make([]string, len(outs))
	for w, out := range outs {
		_, after, ok := bytes.Cut(out, []byte("LAST "))
		if !ok {
			t.Fatalf("writer %d printed no last value:\n%s", w, out)
		}
		lasts[w] = strings.Fields(string(after))[0]
	}
	s := New(NewOS(WindowsItemLimit), prof)
	got, err := s.Get("k")
	if err != nil {
		t.Fatalf("Get after two processes wrote: %v", err)
	}
	if sum := fmt.Sprintf("%x", sha256.Sum256(got)); sum != lasts[0] && sum != lasts[1] {
		t.Fatalf("the stored secret (%s) is neither writer's last value %v", sum, lasts)
	}
	deleteAll(t, s)
}

func writerProcess(t *testing.T, spec string) {
	prof, ws, _ := strings.Cut(spec, ",")
	w, _ := strconv.Atoi(ws)
	s := New(NewOS(WindowsItemLimit), prof)
	var last []byte
	for r := range 5 {
		last = random(t, 4000+1000*w+r)
		if err := s.Put("k", last); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	fmt.Printf("LAST %x\n", sha256.Sum256(last))
}
