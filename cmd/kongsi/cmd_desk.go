package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kongsi/kongsi/internal/desk"
	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/module"
	"github.com/kongsi/kongsi/internal/modules"
	"github.com/kongsi/kongsi/internal/web"
	"golang.org/x/term"
)

// deskDBName is the desk's database in its data directory.
const deskDBName = "desk.db"

// defaultDeskDir is where a desk keeps its state unless told otherwise.
func defaultDeskDir() string {
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "kongsi", "desk")
	}
	return ""
}

func runDesk(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "adduser":
			return runDeskAddUser(ctx, args[1:])
		case "passwd":
			return runDeskPasswd(ctx, args[1:])
		case "disable", "enable":
			return runDeskDisable(ctx, args[0], args[1:])
		case "accounts":
			return runDeskAccounts(ctx, args[1:])
		}
	}
	fs := newFlags("desk", "-key FILE -register URL [flags]\n       kongsi desk adduser -data DIR -name USERNAME [-full-name NAME] [-role submitter|drafter]\n       kongsi desk passwd -data DIR -name USERNAME\n       kongsi desk disable|enable -data DIR -name USERNAME\n       kongsi desk accounts -data DIR")
	keyFile := fs.String("key", "", "the party's private key file (from kongsi keygen); the desk signs as the key's name")
	register := fs.String("register", "", "the register's address, like https://register.example.org")
	data := fs.String("data", defaultDeskDir(), "the desk's data directory: accounts, sessions, drafts and the audit trail")
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on; keep it on loopback unless a TLS proxy stands in front")
	publicURL := fs.String("public-url", "", "the desk's address as officials reach it, behind a TLS proxy (https://desk.mfa.example); cookies are then Secure")
	addrFile := fs.String("addr-file", "", "write the address the desk listens on to this file once it listens")
	logJSON := fs.Bool("log-json", false, "log in JSON")
	verbose := fs.Bool("v", false, "log more")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *keyFile == "" || *register == "" || *data == "" {
		fmt.Fprintln(os.Stderr, "kongsi desk: -key, -register and -data are required")
		fs.Usage()
		return errUsage
	}
	log := serverLogger(*logJSON, *verbose)
	key, err := readKeyFile(*keyFile)
	if err != nil {
		return err
	}
	st, err := openDeskStore(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip != nil && !ip.IsLoopback() && *publicURL == "" {
			log.Warn("the desk listens beyond this machine without -public-url: put a TLS proxy in front of it", "addr", ln.Addr().String())
		}
	}
	// The kinds' titles and field labels are translated as the modules'
	// pages translate them.
	translations := i18n.NewCatalog()
	// The modules' kinds first, then the core kinds (charter, parties,
	// keys, witnesses), whose words are the site's.
	if err := module.AddTranslations(translations, modules.All()); err != nil {
		ln.Close()
		return err
	}
	if err := translations.Add(web.Translations(), "locales"); err != nil {
		ln.Close()
		return err
	}
	d, err := desk.New(desk.Options{Register: *register, Key: key, Store: st, PublicURL: *publicURL, Listen: ln.Addr().String(), HTTP: httpClient, Logger: log, Catalog: translations})
	if err != nil {
		ln.Close()
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	cat, err := d.Check(cctx)
	cancel()
	switch {
	case err != nil:
		log.Warn("the register cannot be reached yet; the desk will try again on each page", "register", *register, "error", err)
	case !cat.KeyOK:
		log.Warn("the register does not know this key as the party's current key: it will refuse what the desk signs", "party", d.Author())
	}
	if accts, err := st.Accounts(ctx); err == nil && len(accts) == 0 {
		log.Warn("the desk has no account yet: make one with kongsi desk adduser", "data", *data)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(ln.Addr().String()), 0o644); err != nil {
			return err
		}
	}
	url := *publicURL
	if url == "" {
		url = "http://" + ln.Addr().String() + "/"
	}
	abs, _ := filepath.Abs(*data)
	log.Info("serving the desk", "party", d.Author(), "register", *register, "url", url, "data", abs)
	return d.Serve(ctx, ln)
}

// readKeyFile reads a private key, refusing one that others may read.
func readKeyFile(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("the key file %s may be read by others (mode %04o): chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// openDeskStore opens the desk's database in dir, making dir if need be,
// readable by its owner only.
func openDeskStore(ctx context.Context, dir string) (*desk.Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return desk.OpenStore(ctx, filepath.Join(dir, deskDBName))
}

// accountFlags are the flags of the account commands.
func accountFlags(name, usage string) (fsData, fsName *string, parseArgs func([]string) error) {
	f := newFlags("desk "+name, usage)
	fsData = f.String("data", defaultDeskDir(), "the desk's data directory")
	fsName = f.String("name", "", "the account's username")
	return fsData, fsName, func(args []string) error {
		if err := parse(f, args); err != nil {
			return err
		}
		if *fsData == "" || *fsName == "" {
			fmt.Fprintf(os.Stderr, "kongsi desk %s: -data and -name are required\n", name)
			return errUsage
		}
		return nil
	}
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func runDeskAddUser(ctx context.Context, args []string) error {
	f := newFlags("desk adduser", "-data DIR -name USERNAME [-full-name NAME] [-role submitter|drafter]\n\nThe password is asked for, or read from standard input when it is not a terminal.")
	data := f.String("data", defaultDeskDir(), "the desk's data directory")
	name := f.String("name", "", "the username: lower-case letters, digits, '.', '_' and '-'")
	fullName := f.String("full-name", "", "the official's name, as the audit trail shows it (default: the username)")
	role := f.String("role", desk.RoleSubmitter, "submitter (drafts, signs and submits) or drafter (drafts only)")
	if err := parse(f, args); err != nil {
		return err
	}
	if *data == "" || *name == "" {
		fmt.Fprintln(os.Stderr, "kongsi desk adduser: -data and -name are required")
		return errUsage
	}
	if !usernamePattern.MatchString(*name) {
		return fmt.Errorf("the username %q must be lower-case letters, digits, '.', '_' and '-', at most 64", *name)
	}
	if *role != desk.RoleSubmitter && *role != desk.RoleDrafter {
		return fmt.Errorf("-role is submitter or drafter, not %q", *role)
	}
	if *fullName == "" {
		*fullName = *name
	}
	st, err := openDeskStore(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.AccountByUsername(ctx, *name); err == nil {
		return fmt.Errorf("there is an account %q already; change its password with kongsi desk passwd", *name)
	}
	pw, err := readNewPassword(os.Stdin, os.Stderr)
	if err != nil {
		return err
	}
	hash, err := desk.HashPassword(pw, desk.DefaultArgon2)
	if err != nil {
		return err
	}
	a := &desk.Account{Username: *name, Name: *fullName, Role: *role, Hash: hash, Created: time.Now()}
	if err := st.AddAccount(ctx, a); err != nil {
		return err
	}
	if err := st.Log(ctx, &desk.AuditEntry{At: time.Now(), Username: *name, Action: desk.AuditAccountAdd, Detail: "role " + *role + ", from the command line"}); err != nil {
		return err
	}
	fmt.Printf("Account %q (%s) added.\n", *name, *role)
	return nil
}

func runDeskPasswd(ctx context.Context, args []string) error {
	data, name, parseArgs := accountFlags("passwd", "-data DIR -name USERNAME\n\nThe new password is asked for, or read from standard input when it is not a terminal. The account's sessions end.")
	if err := parseArgs(args); err != nil {
		return err
	}
	st, err := openDeskStore(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.AccountByUsername(ctx, *name); err != nil {
		return fmt.Errorf("there is no account %q", *name)
	}
	pw, err := readNewPassword(os.Stdin, os.Stderr)
	if err != nil {
		return err
	}
	hash, err := desk.HashPassword(pw, desk.DefaultArgon2)
	if err != nil {
		return err
	}
	if err := st.SetPassword(ctx, *name, hash); err != nil {
		return err
	}
	if err := st.Log(ctx, &desk.AuditEntry{At: time.Now(), Username: *name, Action: desk.AuditPassword, Detail: "from the command line"}); err != nil {
		return err
	}
	fmt.Printf("The password of %q is changed; its sessions have ended.\n", *name)
	return nil
}

func runDeskDisable(ctx context.Context, which string, args []string) error {
	data, name, parseArgs := accountFlags(which, "-data DIR -name USERNAME")
	if err := parseArgs(args); err != nil {
		return err
	}
	st, err := openDeskStore(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	err = st.SetDisabled(ctx, *name, which == "disable")
	if errors.Is(err, desk.ErrNotFound) {
		return fmt.Errorf("there is no account %q", *name)
	}
	if err != nil {
		return err
	}
	action := desk.AuditEnable
	if which == "disable" {
		action = desk.AuditDisable
	}
	if err := st.Log(ctx, &desk.AuditEntry{At: time.Now(), Username: *name, Action: action, Detail: "from the command line"}); err != nil {
		return err
	}
	fmt.Printf("Account %q %sd.\n", *name, which)
	return nil
}

func runDeskAccounts(ctx context.Context, args []string) error {
	f := newFlags("desk accounts", "-data DIR")
	data := f.String("data", defaultDeskDir(), "the desk's data directory")
	if err := parse(f, args); err != nil {
		return err
	}
	st, err := openDeskStore(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	accts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNAME\tROLE\tCREATED\tSTATE")
	for _, a := range accts {
		state := "active"
		if a.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Username, a.Name, a.Role, a.Created.UTC().Format("2006-01-02"), state)
	}
	return tw.Flush()
}

// readNewPassword asks for a new password twice on a terminal, or reads one
// line from in otherwise.
func readNewPassword(in *os.File, out io.Writer) (string, error) {
	var pw string
	if term.IsTerminal(int(in.Fd())) {
		fmt.Fprintf(out, "Password (%d characters at least): ", desk.MinPassword)
		a, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", err
		}
		fmt.Fprint(out, "The same again: ")
		b, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ")
		}
		pw = string(a)
	} else {
		line, err := bufio.NewReader(io.LimitReader(in, desk.MaxPassword+2)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	if err := desk.CheckPassword(pw); err != nil {
		return "", err
	}
	return pw, nil
}
