package conversation_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOperationsListsEveryIntent: the metrics' intent label is documented
// value by value, so a new intent must be added there too.
func TestOperationsListsEveryIntent(t *testing.T) {
	doc, err := os.ReadFile("../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	kind := regexp.MustCompile(`IntentKind = "([a-z_]+)"`)
	found := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range kind.FindAllSubmatch(src, -1) {
			found++
			if !strings.Contains(string(doc), "`"+string(m[1])+"`") {
				t.Errorf("docs/operations.md does not list the intent %s", m[1])
			}
		}
	}
	if found < 20 {
		t.Errorf("found %d intents in the source; the pattern is out of date", found)
	}
}
