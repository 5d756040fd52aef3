package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kongsi/kongsi/internal/signednote"
)

func runKeygen(ctx context.Context, args []string) error {
	fs := newFlags("keygen", "-name ID [-out FILE]")
	name := fs.String("name", "", "the key's name: a party's ID (khm.mnd), or a register's origin for a log key")
	out := fs.String("out", "", "where to write the private key (default NAME.key); it is created with mode 0600 and never overwritten")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" {
		fs.Usage()
		return errUsage
	}
	if *out == "" {
		*out = *name + ".key"
	}
	skey, vkey, err := signednote.GenerateKey(*name)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("couldn't create the key file: %w", err)
	}
	if _, err := fmt.Fprintln(f, skey); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "Wrote the private key to %s. Keep it there: it never needs to leave this machine.\nThe public key (vkey), to register with your state or the register:\n", *out)
	fmt.Println(vkey)
	return nil
}
