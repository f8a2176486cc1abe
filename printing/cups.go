package printing

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/kaipiao/kaipiao/pdf"
)

// CUPS prints through the CUPS command-line clients, lpstat and lp, which Linux and
// macOS both have; they reach the scheduler the system configures, or the one
// CUPS_SERVER names.
type CUPS struct {
	// Env is added to the commands' environment (e.g. CUPS_SERVER=/path/to/socket).
	Env []string
}

// command runs a CUPS client in the C locale: its output is parsed, and lpstat
// translates its words.
func (c *CUPS) command(ctx context.Context, stdin []byte, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(append(os.Environ(), "LC_ALL=C", "LANG=C"), c.Env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return "", &Error{Err: ErrSpooler, Detail: err.Error()} // no lp or lpstat at all
		}
		return out.String(), fmt.Errorf("%s: %s", name, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

var (
	rePrinter  = regexp.MustCompile(`^printer (\S+) (?:is idle|now printing|disabled)`)
	reAccept   = regexp.MustCompile(`^(\S+) (not )?accepting requests`)
	reDefault  = regexp.MustCompile(`^system default destination: (\S+)`)
	reRequest  = regexp.MustCompile(`request id is (\S+)`)
	reNoDest   = regexp.MustCompile(`(?i)no destinations added`)
	reNoServer = regexp.MustCompile(`(?i)scheduler is not running|unable to connect|connection refused|bad file descriptor|no such file`)
)

// Printers lists the CUPS queues with their state: `lpstat -p` says whether a queue is
// enabled, `lpstat -a` whether it accepts jobs (a disabled queue still accepts them and
// only holds them, which is why both are read), `lpstat -d` which is the default.
func (c *CUPS) Printers(ctx context.Context) ([]Printer, error) {
	out, err := c.command(ctx, nil, "lpstat", "-p", "-a", "-d")
	if err != nil {
		if reNoDest.MatchString(err.Error()) || reNoDest.MatchString(out) {
			return nil, nil
		}
		var pe *Error
		if errors.As(err, &pe) {
			return nil, err
		}
		if reNoServer.MatchString(err.Error()) {
			return nil, &Error{Err: ErrSpooler, Detail: err.Error()}
		}
		// lpstat exits non-zero when any part is empty (no default): keep what it said.
		if out == "" {
			return nil, &Error{Err: ErrSpooler, Detail: err.Error()}
		}
	}
	return parseLpstat(out), nil
}

// parseLpstat reads `LC_ALL=C lpstat -p -a -d`.
func parseLpstat(out string) []Printer {
	var ps []Printer
	byName := map[string]int{}
	def := ""
	last := -1 // the printer the indented reason lines belong to
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "\t") || strings.HasPrefix(line, " ") {
			if last >= 0 {
				r := strings.TrimSpace(line)
				if r != "" && r != "Paused" && r != "reason unknown" && ps[last].Reason == "" {
					ps[last].Reason = r
				}
			}
			continue
		}
		last = -1
		if m := rePrinter.FindStringSubmatch(line); m != nil {
			if _, seen := byName[m[1]]; seen {
				continue
			}
			p := Printer{Name: m[1], State: StateIdle}
			switch {
			case strings.Contains(line, " disabled"):
				p.State = StateStopped
			case strings.Contains(line, " now printing"):
				p.State = StatePrinting
			}
			byName[p.Name] = len(ps)
			ps = append(ps, p)
			last = len(ps) - 1
		} else if m := reAccept.FindStringSubmatch(line); m != nil {
			i, ok := byName[m[1]]
			if !ok {
				continue
			}
			if m[2] != "" && ps[i].State != StateStopped {
				ps[i].State = StateRejecting
			}
			if m[2] != "" {
				last = i
			}
		} else if m := reDefault.FindStringSubmatch(line); m != nil {
			def = m[1]
		}
	}
	out2 := make([]Printer, 0, len(ps))
	for _, p := range ps {
		if p.Name == def {
			p.Default = true
			out2 = append([]Printer{p}, out2...)
		} else {
			out2 = append(out2, p)
		}
	}
	return out2
}

// media names a paper for CUPS: IPP's self-describing media names, which any CUPS
// driver maps to its own sizes.
func media(p Paper) string {
	switch p {
	case PaperA4:
		return "iso_a4_210x297mm"
	case PaperA5:
		return "iso_a5_148x210mm"
	default:
		return "Custom.240x140mm"
	}
}

// Submit renders the job's sheets into one PDF and sends it with one lp: one document
// per job, because several files in one job have lost pages in CUPS.
func (c *CUPS) Submit(ctx context.Context, j *Job) (string, error) {
	doc, err := pdf.RenderPages(j.Sheets, j.Title, j.Created)
	if err != nil {
		return "", err
	}
	out, err := c.command(ctx, doc, "lp", lpArgs(j)...)
	if err != nil {
		detail := err.Error()
		kind := ErrRefused
		switch {
		case strings.Contains(detail, "does not exist") || strings.Contains(detail, "not found"):
			kind = ErrMissing
		case strings.Contains(detail, "not accepting"):
			kind = ErrRejecting
		case reNoServer.MatchString(detail):
			kind = ErrSpooler
		}
		return "", &Error{Printer: j.Printer, Err: kind, Detail: detail}
	}
	m := reRequest.FindStringSubmatch(out)
	if m == nil {
		return "", &Error{Printer: j.Printer, Err: ErrRefused, Detail: "lp gave no request id: " + strings.TrimSpace(out)}
	}
	// A queue disabled since the check still takes the job and only holds it: look again,
	// and take back a job that would wait rather than print.
	if st, err := c.command(ctx, nil, "lpstat", "-p", j.Printer); err == nil {
		if ps := parseLpstat(st); len(ps) == 1 && ps[0].State == StateStopped {
			_, _ = c.command(ctx, nil, "cancel", m[1])
			return "", &Error{Printer: j.Printer, Err: ErrStopped, Detail: ps[0].Reason}
		}
	}
	return m[1], nil
}

// lpArgs are lp's arguments for a job read from its standard input.
func lpArgs(j *Job) []string {
	args := []string{"-d", j.Printer, "-n", "1", "-t", j.Title,
		"-o", "media=" + media(j.Paper)}
	return append(args, "-")
}
