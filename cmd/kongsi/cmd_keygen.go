package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kongsi/kongsi/internal/signednote"
)

func runKeygen(ctx context.Context, args []string) error {
	fs := newFlags("keygen", "-name ID [-out FILE] [-witness]")
	name := fs.String("name", "", "the key's name: a party's ID (khm.mnd), a register's origin for a log key, or a witness's name (witness.example.org/w1)")
	isWitness := fs.Bool("witness", false, "make a witness key (Ed25519 for cosignature/v1, C2SP tlog-cosignature) instead of a signing key")
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
	gen := signednote.GenerateKey
	if *isWitness {
		gen = signednote.GenerateCosignatureKey
	}
	skey, vkey, err := gen(*name)
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
	what := "to register with your state or the register"
	if *isWitness {
		what = "for the register's witness policy and a witness.register record"
	}
	fmt.Fprintf(os.Stderr, "Wrote the private key to %s. Keep it there: it never needs to leave this machine.\nThe public key (vkey), %s:\n", *out, what)
	fmt.Println(vkey)
	return nil
}
