package platform

import (
	"crypto/ecdsa"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/pki"
	"github.com/kaipiao/kaipiao/taxack"
	"github.com/kaipiao/kaipiao/upload"
)

// Server answers the platform's endpoints.
type Server struct {
	// DB is the store: a *DB (bbolt) or a *PG (PostgreSQL, shared by instances).
	DB  Store
	PKI *pki.Platform
	// Now is the platform's clock; time.Now by default.
	Now func() time.Time
	// Logf, when set, logs every request: client address, signer, outcome.
	Logf func(format string, args ...any)
	// Limits bound requests and connections; DefaultLimits when zero.
	Limits Limits
	// RequireClientCert refuses an enveloped request without the enterprise's TLS client
	// certificate before its body is read (kaipiao-platform sets it). Without it a
	// certificate given is still checked against the envelope's signer.
	RequireClientCert bool
	// ERPTokens authenticates the ERPs that post orders (see orderapi.go).
	ERPTokens *ERPTokens
	// ClockOffset moves the clock of the tax rules (slip deadlines) against Now:
	// kaipiao-platform --clock-offset, for tests (clock.go).
	ClockOffset time.Duration
	// Slips keeps the confirmation slips; DB when nil (slipdb.go).
	Slips SlipStore
	// Digital is the digital channel's state (digitaldb.go); DB when nil.
	Digital DigitalStore
	// OfflineHours, when positive, brings a fetch's upload deadline forward to that long
	// after the fetch (docs/digital.md "The upload deadline").
	OfflineHours time.Duration

	bodies   budget
	devCerts certCache // device certificates offered that verified (verify.go)
}

func (s *Server) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
	}
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// TLSConfig serves HTTPS with the platform's TLS identity, TLS 1.3 only.
// A client certificate, when the PKI has the transport CA, is asked for and verified
// against it (an ERP posting orders has none, and needs none).
func (s *Server) TLSConfig() *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS13,
		Certificates: []tls.Certificate{{Certificate: [][]byte{s.PKI.TLS.Cert.Raw}, PrivateKey: s.PKI.TLS.Key}}}
	if s.PKI.ClientRoots != nil {
		cfg.ClientAuth, cfg.ClientCAs = tls.VerifyClientCertIfGiven, s.PKI.ClientRoots
	}
	return cfg
}

// clientTaxID is the tax ID of the verified TLS client certificate, "" without one.
func clientTaxID(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
		return ""
	}
	return r.TLS.VerifiedChains[0][0].Subject.SerialNumber
}

// Handler routes the endpoints.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+upload.PathInvoices, s.enveloped(upload.KindInvoices, s.invoices))
	mux.HandleFunc("POST "+upload.PathList, s.enveloped(upload.KindList, s.list))
	mux.HandleFunc("POST "+upload.PathUpload, s.enveloped(upload.KindUpload, s.upload))
	mux.HandleFunc("POST "+upload.PathPull, s.enveloped(upload.KindPull, s.pull))
	mux.HandleFunc("POST "+upload.PathOrderAck, s.enveloped(upload.KindOrdersAck, s.ackOrders))
	mux.HandleFunc("POST "+upload.PathOrders, s.postOrder)
	s.routeSlips(mux)
	mux.HandleFunc("POST "+upload.PathDigitalFetch, s.enveloped(upload.KindDigitalFetch, s.digitalFetch))
	mux.HandleFunc("POST "+upload.PathDigitalReturn, s.enveloped(upload.KindDigitalReturn, s.digitalReturn))
	return s.accessLog(mux)
}

// maxReason bounds an error's text in an answer and in the log: a reason may quote what
// the client sent.
const maxReason = 512

func boundReason(err error) string {
	msg := err.Error()
	if len(msg) > maxReason {
		cut := maxReason
		for cut > 0 && msg[cut]&0xC0 == 0x80 {
			cut--
		}
		msg = msg[:cut] + fmt.Sprintf("… (%d bytes)", len(msg))
	}
	return msg
}

func (s *Server) fail(w http.ResponseWriter, status int, permanent bool, err error) {
	msg := boundReason(err)
	if sw, ok := w.(*statusWriter); ok {
		sw.reason = msg
	}
	writeJSON(w, status, upload.ErrorBody{Error: msg, Permanent: permanent})
}

// readBody reads a request's body within the limits: a declared length over MaxBody is
// refused unread, and the bodies being read together stay within BodyBudget. It
// answers the request itself when it returns false.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	l := s.limits()
	if r.ContentLength > l.MaxBody {
		// Not permanent: the workstation splits the batch.
		s.fail(w, http.StatusRequestEntityTooLarge, false, fmt.Errorf("request of %d bytes, over %d", r.ContentLength, l.MaxBody))
		return nil, false
	}
	reserve := r.ContentLength
	if reserve < 0 {
		reserve = l.MaxBody // chunked: it may grow to the limit
	}
	if !s.bodies.take(reserve, l.BodyBudget) {
		w.Header().Set("Retry-After", "5")
		s.fail(w, http.StatusServiceUnavailable, false, fmt.Errorf("busy: too many requests being received"))
		return nil, false
	}
	defer s.bodies.give(reserve)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.fail(w, http.StatusRequestEntityTooLarge, false, fmt.Errorf("request over %d bytes", l.MaxBody))
		return nil, false
	}
	if err != nil {
		s.fail(w, http.StatusBadRequest, false, fmt.Errorf("reading the request: %w", err))
		return nil, false
	}
	return body, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// request is an opened envelope.
type request struct {
	p      *upload.Payload
	signer *smx509.Certificate
	taxID  string
	http   *http.Request
}

// enveloped opens the request's envelope and hands it to h: a broken, forged or foreign
// envelope is a permanent 400; a stale or replayed one a 409 (the workstation seals a
// new one).
func (s *Server) enveloped(kind string, h func(http.ResponseWriter, *request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// The TLS client certificate says who connects before a byte of the body is read;
		// the envelope, signed inside its encryption, is known only once the whole body is
		// read and opened, so the body is bounded before (readBody).
		client := clientTaxID(r)
		if client == "" && s.RequireClientCert {
			s.fail(w, http.StatusUnauthorized, false, fmt.Errorf("no enterprise TLS client certificate: install enterprise-tls (kaipiaoctl pki init, or pki import --name enterprise-tls)"))
			return
		}
		if client != "" {
			info(r).signer = "TLS " + client
		}
		body, ok := s.readBody(w, r)
		if !ok {
			return
		}
		p, signer, err := upload.Open(body, s.PKI.Enc, s.PKI.Roots, s.now())
		if signer != nil {
			info(r).signer = fmt.Sprintf("%s (%s)", signer.Subject.SerialNumber, signer.Subject.CommonName)
		}
		switch {
		case errors.Is(err, upload.ErrStale):
			s.fail(w, http.StatusConflict, false, err)
			return
		case err != nil:
			s.fail(w, http.StatusBadRequest, true, err)
			return
		case p.Kind != kind:
			s.fail(w, http.StatusBadRequest, true, fmt.Errorf("envelope of kind %q sent to the %q endpoint", p.Kind, kind))
			return
		case signer.Subject.SerialNumber == "":
			s.fail(w, http.StatusBadRequest, true, fmt.Errorf("signer %q names no tax ID", signer.Subject.CommonName))
			return
		case client != "" && client != signer.Subject.SerialNumber:
			s.fail(w, http.StatusBadRequest, true, fmt.Errorf("the TLS client is %s, the envelope is signed by %s", client, signer.Subject.SerialNumber))
			return
		}
		info(r).outcome = fmt.Sprintf("envelope %s", p.ID)
		h(w, &request{p: p, signer: signer, taxID: signer.Subject.SerialNumber, http: r})
	}
}

func (s *Server) invoices(w http.ResponseWriter, r *request) {
	var offered *smx509.Certificate
	if len(r.p.DeviceCert) > 0 {
		c, err := smx509.ParseCertificate(r.p.DeviceCert)
		if err != nil {
			s.fail(w, http.StatusBadRequest, true, fmt.Errorf("device certificate: %w", err))
			return
		}
		offered = c
	}
	now := s.now().UTC()
	results := make([]upload.ItemResult, len(r.p.Items))
	var fresh []*Stored
	var at []int
	for i := range r.p.Items {
		it := &r.p.Items[i]
		results[i].RequestID = it.RequestID
		st, err := s.verifyItem(it, r.taxID, offered, r.signer)
		if err != nil {
			results[i].Error = err.Error()
			continue
		}
		// Signed before the transaction so that the write lock is not held over SM2; a
		// receipt made for an invoice already held is dropped for the one held.
		rc := upload.Receipt{Device: st.Device, Code: st.Code, Number: st.Number, RequestID: st.RequestID,
			Digest: st.Digest, AckedAt: now}
		if err := upload.SignReceipt(s.PKI.Sign.SM2(), &rc); err != nil {
			s.fail(w, http.StatusInternalServerError, false, err)
			return
		}
		raw, _ := json.Marshal(&rc)
		st.AckedAt, st.Receipt = now, raw
		fresh, at = append(fresh, st), append(at, i)
	}
	held, errs, err := s.DB.Upsert(r.p.ID, r.p.At, fresh)
	if errors.Is(err, errReplay) {
		s.fail(w, http.StatusConflict, false, err)
		return
	}
	if err != nil {
		s.fail(w, http.StatusInternalServerError, false, err)
		return
	}
	for j, i := range at {
		if errs[j] != nil {
			results[i].Error = errs[j].Error()
			continue
		}
		results[i].Receipt = held[j].Receipt
	}
	writeJSON(w, http.StatusOK, upload.InvoicesResponse{Results: results})
}

func (s *Server) list(w http.ResponseWriter, r *request) {
	if err := s.DB.SeeEnvelope(r.p.ID, r.p.At); err != nil {
		s.fail(w, http.StatusConflict, false, err)
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	enc := json.NewEncoder(w)
	_ = s.DB.Invoices(r.taxID, func(st *Stored) error {
		c := *st
		c.Invoice = nil
		return enc.Encode(&c)
	})
}

// upload answers a device's upload packet as the tax authority: the device's signature
// and the records' digest must verify with a trusted device certificate, and every
// record must belong to the signing enterprise.
func (s *Server) upload(w http.ResponseWriter, r *request) {
	var p device.UploadPacket
	if err := p.UnmarshalBinary(r.p.Packet); err != nil {
		s.fail(w, http.StatusBadRequest, true, fmt.Errorf("upload packet: %w", err))
		return
	}
	var offered *smx509.Certificate
	if len(r.p.DeviceCert) > 0 {
		offered, _ = smx509.ParseCertificate(r.p.DeviceCert)
	}
	cert, err := s.deviceCert(p.Machine, r.taxID, offered)
	if err != nil {
		s.fail(w, http.StatusBadRequest, true, err)
		return
	}
	if err := verifyPacket(&p, cert, r.taxID); err != nil {
		s.fail(w, http.StatusBadRequest, true, err)
		return
	}
	if err := s.DB.SeeEnvelope(r.p.ID, r.p.At); err != nil {
		s.fail(w, http.StatusConflict, false, err)
		return
	}
	raw, err := s.DB.UploadAck(p.Machine, p.From, p.Through, func() ([]byte, error) {
		ack, err := taxack.Acknowledge(s.PKI.Authority, &p, fmt.Sprintf("TA-%s-%d-%d", p.Machine, p.From, p.Through), s.now().UTC())
		if err != nil {
			return nil, err
		}
		return ack.MarshalBinary()
	})
	if err != nil {
		s.fail(w, http.StatusInternalServerError, false, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(raw)
}

func verifyPacket(p *device.UploadPacket, cert *smx509.Certificate, taxID string) error {
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: machine %s: the certificate's key is not SM2", errDevice, p.Machine)
	}
	if !device.VerifySM2(pub, device.PacketSigned(p), p.Signature) {
		return fmt.Errorf("%w: packet %d..%d of machine %s: signature", errDevice, p.From, p.Through, p.Machine)
	}
	d, err := device.RecordsDigest(p.Records)
	if err != nil || d != p.Digest {
		return fmt.Errorf("%w: packet %d..%d of machine %s: digest", errDevice, p.From, p.Through, p.Machine)
	}
	if p.Through >= p.From && uint64(len(p.Records)) != p.Through-p.From+1 {
		return fmt.Errorf("packet %d..%d of machine %s carries %d records", p.From, p.Through, p.Machine, len(p.Records))
	}
	// The device's signature covers the records' digest, so the records are the device's
	// own; their seals are checked when the invoices themselves arrive (PathInvoices).
	for i := range p.Records {
		inv := &p.Records[i].Invoice
		if inv.Seller.TaxID != "" && inv.Seller.TaxID != taxID {
			return fmt.Errorf("packet of machine %s: record %d is seller %s's, the envelope is signed by %s",
				p.Machine, p.Records[i].Counter, inv.Seller.TaxID, taxID)
		}
	}
	return nil
}
