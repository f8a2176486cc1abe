package platform

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"net/http"

	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// The digital channel's endpoints (docs/digital.md "The platform side"): the enterprise
// is the envelope's signer; the state is the DigitalStore's.

func (s *Server) digital() DigitalStore {
	if s.Digital != nil {
		return s.Digital
	}
	return s.DB
}

// validRequestID bounds the workstation's own request IDs: they become keys.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (s *Server) digitalFetch(w http.ResponseWriter, r *request) {
	f := r.p.DigitalFetch
	if f == nil || !validRequestID(f.ID) {
		s.fail(w, http.StatusBadRequest, true, errors.New("digital fetch: no request, or a request ID not of 1–64 letters, digits, - or _"))
		return
	}
	quota, err := invoice.ParseMoney(f.Quota)
	if f.Quota == "" {
		quota, err = 0, nil
	}
	if err != nil || quota < 0 || f.Numbers < 0 || f.Numbers > upload.MaxFetchNumbers {
		s.fail(w, http.StatusBadRequest, true, fmt.Errorf("digital fetch %s: numbers %d must be 0–%d and quota %s a non-negative amount",
			f.ID, f.Numbers, upload.MaxFetchNumbers, invoice.Quote(f.Quota)))
		return
	}
	now := s.now()
	prefix, err := NumberPrefix(r.taxID, now)
	if err != nil {
		s.fail(w, http.StatusBadRequest, true, err)
		return
	}
	ans, err := s.digital().Fetch(FetchGrant{TaxID: r.taxID, RequestID: f.ID, Numbers: f.Numbers, Quota: quota,
		Period: Period(now), Prefix: prefix, Deadline: DefaultDeadline(now, s.OfflineHours).UTC()})
	if errors.Is(err, ErrDigitalRequest) {
		s.fail(w, http.StatusBadRequest, true, err)
		return
	}
	if err != nil {
		s.fail(w, http.StatusInternalServerError, false, err)
		return
	}
	s.logf("digital fetch %s by %s: %d segments, quota %s of %s", f.ID, r.taxID, len(ans.Segments), ans.Quota, ans.Period)
	writeJSON(w, http.StatusOK, ans)
}

func (s *Server) digitalReturn(w http.ResponseWriter, r *request) {
	ret := r.p.DigitalReturn
	if ret == nil || !validRequestID(ret.ID) {
		s.fail(w, http.StatusBadRequest, true, errors.New("digital return: no request, or a request ID not of 1–64 letters, digits, - or _"))
		return
	}
	for _, q := range ret.Quota {
		if !ValidPeriod(q.Period) {
			s.fail(w, http.StatusBadRequest, true, fmt.Errorf("digital return %s: period %s is not YYYY-MM", ret.ID, invoice.Quote(q.Period)))
			return
		}
	}
	ans, err := s.digital().Return(r.taxID, ret)
	if errors.Is(err, ErrDigitalRequest) {
		s.fail(w, http.StatusBadRequest, true, err)
		return
	}
	if err != nil {
		s.fail(w, http.StatusInternalServerError, false, err)
		return
	}
	s.logf("digital return %s by %s: %d ranges unused, quota %v", ret.ID, r.taxID, len(ans.Unused), ans.Quota)
	writeJSON(w, http.StatusOK, ans)
}

// verifyDigital checks a 数电票 the enterprise signer uploads: its form (no code, machine,
// check code or cipher; 20 digits) and the enterprise's SM2 signature over the canonical
// core. That its number is the enterprise's is checked when it is stored (DB.Upsert).
func verifyDigital(inv *invoice.Invoice, signer *smx509.Certificate) error {
	if inv.Code != "" || inv.Machine != "" || inv.CheckCode != "" || inv.Cipher != "" || !invoice.ValidDigitalNumber(inv.Number) {
		return fmt.Errorf("invoice %s: a digital invoice has a 20-digit number and no code, machine, check code or cipher", inv.RequestID)
	}
	pub, ok := signer.PublicKey.(*ecdsa.PublicKey)
	if !ok || !device.VerifySM2(pub, device.CoreFields(inv), inv.Signature) {
		return fmt.Errorf("invoice %s (%s): the enterprise's signature does not verify", inv.RequestID, inv.Number)
	}
	return nil
}
