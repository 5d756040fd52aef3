package bench_test

import "os"

func makeTemp() (string, error) { return os.MkdirTemp("", "kongsi-bench-test-") }
