package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/record"
	"github.com/kongsi/kongsi/internal/signednote"
)

// refFlags collects -ref rel:ID flags.
type refFlags []record.Ref

func (r *refFlags) String() string { return fmt.Sprint(*r) }

func (r *refFlags) Set(s string) error {
	rel, id, ok := strings.Cut(s, ":")
	if !ok {
		return fmt.Errorf("a ref is rel:ID, like about:3f2a…")
	}
	parsed, err := record.ParseID(id)
	if err != nil {
		return err
	}
	*r = append(*r, record.Ref{Rel: rel, ID: parsed})
	return nil
}

func runSign(ctx context.Context, args []string) error {
	fs := newFlags("sign", "-key FILE -kind KIND -subject SUBJECT (-register URL | -origin ORIGIN) [flags] [BODY.json]\n       kongsi sign -key FILE -cosign RECORD")
	keyFile := fs.String("key", "", "the signer's private key file (from kongsi keygen); the author is the key's name")
	kind := fs.String("kind", "", "the record's kind: declaration, key.rotate, …")
	subject := fs.String("subject", "", "what the record is about: declarations/vnm/defence-policy, …")
	register := fs.String("register", "", "the register's URL: its origin is asked for, and the subject's latest version becomes prev")
	origin := fs.String("origin", "", "the register's origin, when it is not asked of the register")
	prev := fs.String("prev", "auto", "the ID of the version this record updates; auto asks the register; none for a new subject")
	at := fs.String("time", "", "the signing time, RFC 3339 in UTC (default now)")
	cosign := fs.String("cosign", "", "add this key's signature to an already signed record, instead of signing a new one")
	out := fs.String("out", "", "write the signed record here (default standard output)")
	var refs refFlags
	fs.Var(&refs, "ref", "a reference to another record, rel:ID (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *keyFile == "" {
		fmt.Fprintln(os.Stderr, "kongsi sign: -key is required")
		return errUsage
	}
	kb, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	signer, err := signednote.NewSigner(string(kb))
	if err != nil {
		return err
	}
	var entry []byte
	if *cosign != "" {
		in, err := os.ReadFile(*cosign)
		if err != nil {
			return err
		}
		if entry, err = record.Cosign(in, signer); err != nil {
			return err
		}
	} else {
		env, err := newEnvelope(ctx, fs, signer.Name(), *kind, *subject, *register, *origin, *prev, *at, refs)
		if err != nil {
			return err
		}
		if entry, err = record.Sign(env, signer); err != nil {
			return err
		}
	}
	if _, err := record.Parse(entry); err != nil {
		return err
	}
	if *out == "" {
		_, err = os.Stdout.Write(entry)
		return err
	}
	return os.WriteFile(*out, entry, 0o644)
}

// newEnvelope builds the envelope of a new record from the flags.
func newEnvelope(ctx context.Context, fs *flag.FlagSet, author, kind, subject, register, origin, prev, at string, refs []record.Ref) (*record.Envelope, error) {
	if kind == "" || subject == "" {
		fmt.Fprintln(os.Stderr, "kongsi sign: -kind and -subject are required")
		return nil, errUsage
	}
	var body []byte
	var err error
	switch fs.NArg() {
	case 0:
		body, err = io.ReadAll(io.LimitReader(os.Stdin, record.MaxEntrySize+1))
	case 1:
		if fs.Arg(0) == "-" {
			body, err = io.ReadAll(io.LimitReader(os.Stdin, record.MaxEntrySize+1))
		} else {
			body, err = os.ReadFile(fs.Arg(0))
		}
	default:
		return nil, fmt.Errorf("give one body file, or none to read it from standard input")
	}
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, fmt.Errorf("the body must be a JSON object: %w", err)
	}
	if origin == "" {
		if register == "" {
			return nil, fmt.Errorf("give -register URL (or -origin ORIGIN) to say which register the record is for")
		}
		if origin, err = registerOf(register).Origin(ctx); err != nil {
			return nil, err
		}
	}
	t := time.Now()
	if at != "" {
		if t, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, fmt.Errorf("-time: %w", err)
		}
	}
	env := &record.Envelope{Register: origin, Kind: kind, Subject: subject, Author: author, Time: record.FormatTime(t), Body: body, Refs: refs}
	switch prev {
	case "none":
	case "auto":
		if register != "" {
			id, ok, err := latestVersion(ctx, register, subject)
			if err != nil {
				return nil, err
			}
			if ok {
				pid, _ := record.ParseID(id)
				env.Refs = append(env.Refs, record.Ref{Rel: record.RelPrev, ID: pid})
				fmt.Fprintf(os.Stderr, "This record updates %s, whose latest version is %s.\n", subject, id)
			}
		}
	default:
		pid, err := record.ParseID(prev)
		if err != nil {
			return nil, fmt.Errorf("-prev: %w", err)
		}
		env.Refs = append(env.Refs, record.Ref{Rel: record.RelPrev, ID: pid})
	}
	return env, nil
}
