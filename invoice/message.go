package invoice

import (
	"errors"
	"strconv"
	"strings"
)

// Lang is a language of the message catalogue: Chinese for the clerk (the default
// everywhere), English for logs, the command line's stderr and the English window.
type Lang string

// The catalogue's languages.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// LangOf maps a language code as the window and the flags take it ("en", "zh", "") to
// a catalogue language: anything but English is Chinese.
func LangOf(code string) Lang {
	if code == string(English) {
		return English
	}
	return Chinese
}

// Args are a message's parameters by name, already formatted as text (an amount as its
// String, a date as the message shows it).
type Args map[string]string

// Message is one entry of the catalogue: its Chinese and English templates. A template
// names its parameters in braces: {value}, {field}; {name:q} quotes the parameter as Go's
// %q does (the English messages quote what the clerk typed). {label} is the Chinese name
// of the {field} path (Label), so that a Chinese message names the field as the clerk's
// form does and the English one by its path.
type Message struct {
	Zh, En string
}

// Say renders the catalogue's message key in lang with its parameters. A key the
// catalogue lacks renders as the key and its parameters, never as nothing (a test keeps
// every key used in the catalogue).
func Say(lang Lang, key string, args Args) string {
	m, ok := catalogue[key]
	if !ok {
		var b strings.Builder
		b.WriteString(key)
		for k, v := range args {
			b.WriteString(" " + k + "=" + strconv.Quote(v))
		}
		return b.String()
	}
	t := m.Zh
	if lang == English {
		t = m.En
	}
	return expand(t, args)
}

// HasMessage reports whether the catalogue has key, with both languages: for the tests
// of packages that keep keys in tables of their own (device.Code).
func HasMessage(key string) bool {
	m, ok := catalogue[key]
	return ok && m.Zh != "" && m.En != ""
}

// expand fills a template's {parameters}.
func expand(t string, args Args) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		j := strings.IndexByte(t[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(t)
			return b.String()
		}
		b.WriteString(t[:i])
		name, quote := strings.CutSuffix(t[i+1:i+j], ":q")
		v := args[name]
		if name == "label" && v == "" {
			v = Label(args["field"])
		}
		if quote {
			v = strconv.Quote(v)
		}
		b.WriteString(v)
		t = t[i+j+1:]
	}
}

// Problem is an error the catalogue words, with details: its key and parameters, the
// sentinel it is a case of (Of: ErrRefused for a refusal, so errors.Is still finds it) and
// its cause (Err), either of which may be nil. Its Error, for logs and stderr, is the
// sentinel's text, the English message with the Chinese after it, then the cause:
// "refused by the tax-control device: no … (…库存不足…): …".
type Problem struct {
	Key  string
	Args Args
	Of   error
	Err  error
}

// NewProblem is a Problem: a case of the sentinel of, caused by err (both may be nil).
func NewProblem(of error, key string, args Args, err error) *Problem {
	return &Problem{Key: key, Args: args, Of: of, Err: err}
}

func (p *Problem) Error() string {
	s := Say(English, p.Key, p.Args)
	if zh := Say(Chinese, p.Key, p.Args); zh != s {
		s += " (" + zh + ")"
	}
	if p.Of != nil {
		s = p.Of.Error() + ": " + s
	}
	if p.Err != nil {
		s += ": " + p.Err.Error()
	}
	return s
}

// Unwrap returns the sentinel and the cause.
func (p *Problem) Unwrap() []error {
	var out []error
	for _, e := range []error{p.Of, p.Err} {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// Text is the message alone, in lang, without the sentinel or the cause.
func (p *Problem) Text(lang Lang) string { return Say(lang, p.Key, p.Args) }

// Said is a message of the catalogue that is not an error, worded when it is shown: in
// the reader's language, Chinese for kaipiaoctl's JSON, the window's for the window (a
// reason issuing is locked, shown on the home screen and the device panel).
type Said struct {
	Key  string
	Args Args
}

// Text is the message in lang.
func (s Said) Text(lang Lang) string { return Say(lang, s.Key, s.Args) }

// String is the message in Chinese, as the clerk reads it by default.
func (s Said) String() string { return s.Text(Chinese) }

// sentinel is an error with a fixed catalogue key. Its Error is the catalogue's English
// (what the error said before it had a key), so logs and tests read as before; its
// Chinese is what the clerk reads. A sentinel may be a case of a wider one (of), which
// it wraps: ErrNoHeadroom is an ErrRefused.
type sentinel struct {
	key string
	of  error
}

func (s *sentinel) Error() string {
	if s.of != nil {
		return s.of.Error() + ": " + Say(English, s.key, nil)
	}
	return Say(English, s.key, nil)
}

// Unwrap returns the wider sentinel this one is a case of, or nil.
func (s *sentinel) Unwrap() error { return s.of }

// Key is the sentinel's catalogue key.
func (s *sentinel) Key() string { return s.key }

// NewSentinel declares a sentinel error worded by the catalogue's key: every package
// declares its sentinels this way, so that Explain words them in one place.
func NewSentinel(key string) error { return &sentinel{key: key} }

// newSentinelOf declares a sentinel that is a case of the sentinel of.
func newSentinelOf(of error, key string) error { return &sentinel{key: key, of: of} }

// Explain is an error as a person reads it in lang: every rule error's message, joined;
// a worded error's message (the outermost Problem, else the outermost sentinel), with the
// technical detail after it for what the catalogue words as needing it; otherwise the
// error's own text. The window and kaipiaoctl both show errors through it.
func Explain(lang Lang, err error) string {
	if err == nil {
		return ""
	}
	var errs Errors
	if errors.As(err, &errs) {
		sep := "；"
		if lang == English {
			sep = "; "
		}
		m := make([]string, len(errs))
		for i, e := range errs {
			m[i] = e.Text(lang)
		}
		return strings.Join(m, sep)
	}
	var p *Problem
	if errors.As(err, &p) {
		if p.Err == nil {
			return p.Text(lang)
		}
		if lang == English {
			return p.Text(lang) + ": " + Explain(lang, p.Err)
		}
		return p.Text(lang) + "：" + Explain(lang, p.Err) // its cause, worded too
	}
	var t Texter
	if errors.As(err, &t) {
		return t.Text(lang)
	}
	var s *sentinel
	if errors.As(err, &s) {
		text := Say(lang, s.key, nil)
		if !plain[s.key] && err != error(s) {
			if lang == English {
				return text + " (" + err.Error() + ")"
			}
			return text + "（" + err.Error() + "）"
		}
		return text
	}
	return err.Error()
}

// Refused is how an error refuses a request, for the exit status and the wording.
type Refused int

// How a request was refused.
const (
	NotRefused      Refused = iota // not a refusal: the environment's fault (a full disk, a lost store)
	RefusedRules                   // rule errors: the input is wrong
	RefusedByDevice                // the device, the engine or the store said no: nothing was issued
	RefusedUnknown                 // the device may have issued it: reconcile, never issue again blindly
)

// Refusal classifies err: the one place that says which sentinels refuse a request
// (kaipiaoctl exits 1 for them, 2 for anything else).
func Refusal(err error) Refused {
	var errs Errors
	switch {
	case errors.As(err, &errs):
		return RefusedRules
	case errors.Is(err, ErrOutcomeUnknown):
		return RefusedUnknown
	case errors.Is(err, ErrRefused), errors.Is(err, ErrNumberMismatch),
		errors.Is(err, ErrOrderChanged), errors.Is(err, ErrBlueNotFound):
		return RefusedByDevice
	}
	return NotRefused
}

// plain are the sentinels whose message says all there is: Explain leaves out the
// technical text of the error around them (for the others it follows in brackets).
var plain = map[string]bool{"order.changed": true}

// Texter is an error that words itself in either language through the catalogue:
// FieldError, Problem, and the errors of other packages that carry their own parameters
// (store.LockedOutError).
type Texter interface {
	error
	Text(Lang) string
}

// KeyOf is the catalogue key that classifies err — the rule of its first rule error, the
// outermost Problem's key, or the outermost sentinel's — and "" for an error the
// catalogue does not word (a cause from the system: a full disk, a closed port).
func KeyOf(err error) string {
	var errs Errors
	if errors.As(err, &errs) && len(errs) > 0 {
		return errs[0].Rule
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Rule
	}
	var p *Problem
	if errors.As(err, &p) {
		return p.Key
	}
	var s *sentinel
	if errors.As(err, &s) {
		return s.key
	}
	return ""
}
