package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/node"
)

func runInit(ctx context.Context, args []string) error {
	fs := newFlags("init", "-data DIR -charter FILE -log-key FILE")
	data := fs.String("data", "", "the new register's data directory")
	charter := fs.String("charter", "", "the signed charter: the register's first record")
	logKey := fs.String("log-key", "", "the private key that will sign the log's checkpoints (from kongsi keygen -name ORIGIN); it is copied into the data directory")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *data == "" || *charter == "" || *logKey == "" {
		fs.Usage()
		return errUsage
	}
	c, err := os.ReadFile(*charter)
	if err != nil {
		return err
	}
	k, err := os.ReadFile(*logKey)
	if err != nil {
		return err
	}
	if err := node.Found(ctx, nodeConfig(*data, modules.All(), logger(false, 4)), string(trimNewline(k)), c); err != nil {
		return err
	}
	fmt.Printf("Founded the register in %s. Serve it with: kongsi serve -data %s\n", *data, *data)
	return nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
