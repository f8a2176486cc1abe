package device

import (
	"context"
	"errors"
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
)

// The command set in domain terms. Each method is one command (PROTOCOL.md §5); a device
// refusal comes back as *Error (test with errors.Is(err, CodeXxx)), a lost answer to a
// mutating command as ErrOutcomeUnknown.

// Hello returns the last handshake's answer (zero before the first command).
func (c *Client) Hello() Hello {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hello
}

// Caps returns the device's capabilities, read at the handshake.
func (c *Client) Caps(ctx context.Context) (Caps, error) {
	c.mu.Lock()
	if c.haveCaps {
		defer c.mu.Unlock()
		return c.caps, nil
	}
	c.mu.Unlock()
	if _, err := c.Connect(ctx); err != nil {
		return Caps{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.caps, nil
}

// Limits returns the rule limits the device reports (per-invoice limit, line tax
// tolerance, remark bytes), for the engine's validation and splitting.
func (c *Client) Limits(ctx context.Context) (invoice.Limits, error) {
	caps, err := c.Caps(ctx)
	return caps.Limits, err
}

// NextNumber returns the code and number the next ISSUE will take, which the engine
// writes into its intent before issuing. Both are empty when the stock is exhausted.
func (c *Client) NextNumber(ctx context.Context) (code, number string, err error) {
	st, err := c.Status(ctx)
	return st.NextCode, st.NextNumber, err
}

// IssuedFor resolves an unknown outcome: the invoice issued for requestID, with its
// Issued fields, and true; or false when the device never committed it (then the request
// may be sent again with the same ID).
func (c *Client) IssuedFor(ctx context.Context, requestID string) (invoice.Invoice, bool, error) {
	rec, err := c.QueryByRequestID(ctx, requestID)
	if errors.Is(err, CodeNotFound) {
		return invoice.Invoice{}, false, nil
	}
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	return rec.Invoice, true, nil
}

// Status returns the device's identity and state.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var s Status
	body, err := c.call(ctx, CmdStatus, nil, "")
	if err == nil {
		err = s.UnmarshalBinary(body)
	}
	return s, err
}

// Stock returns the device's invoice rolls in the order they were opened, then each
// type's stock not yet opened (Roll.Unopened), so the sum of Remaining is the whole stock.
func (c *Client) Stock(ctx context.Context) ([]Roll, error) {
	body, err := c.call(ctx, CmdStock, nil, "")
	if err != nil {
		return nil, err
	}
	return UnmarshalRolls(body)
}

// Offline returns the offline-issuing counters and limits.
func (c *Client) Offline(ctx context.Context) (Offline, error) {
	var o Offline
	body, err := c.call(ctx, CmdOffline, nil, "")
	if err == nil {
		err = o.UnmarshalBinary(body)
	}
	return o, err
}

// VerifyPIN unlocks the commands that need a PIN for this session. On success the client
// keeps the PIN in memory and verifies it again after a device restart. Five wrong PINs
// lock the device (CodePINLocked).
func (c *Client) VerifyPIN(ctx context.Context, pin string) error {
	_, err := c.call(ctx, CmdPINVerify, mustArgs(Args{Texts: []string{pin}}), "")
	if err == nil {
		c.mu.Lock()
		c.pin = pin
		c.mu.Unlock()
	}
	return err
}

// ChangePIN replaces the PIN; requestID makes it idempotent.
func (c *Client) ChangePIN(ctx context.Context, requestID, oldPIN, newPIN string) error {
	b, err := (&Args{Texts: []string{requestID, oldPIN, newPIN}}).MarshalBinary()
	if err != nil {
		return err
	}
	if _, err = c.call(ctx, CmdPINChange, b, requestID); err == nil {
		c.mu.Lock()
		c.pin = newPIN
		c.mu.Unlock()
	}
	return err
}

// Issue issues req.Invoice (ISSUE_RED when it has a Red link) and returns what the device
// produced. A request ID the device has seen with the same invoice returns the invoice it
// issued then; with another invoice, CodeRequestReused. ErrOutcomeUnknown means: call
// QueryByRequestID (or Issue again with the same request) before anything else.
func (c *Client) Issue(ctx context.Context, req IssueRequest) (invoice.Issued, error) {
	rec, err := c.IssueRecord(ctx, req)
	return rec.Invoice.Issued, err
}

// IssueRecord is Issue returning the whole journal record.
func (c *Client) IssueRecord(ctx context.Context, req IssueRequest) (Record, error) {
	if req.RequestID == "" {
		req.RequestID = req.Invoice.RequestID
	}
	if req.RequestID == "" {
		return Record{}, errors.New("device: ISSUE needs a request ID")
	}
	if len(req.ExpectedNumber) != 8 {
		return Record{}, fmt.Errorf("device: ISSUE %q: expected number %q is not 8 digits", req.RequestID, req.ExpectedNumber)
	}
	b, err := req.MarshalBinary()
	if err != nil {
		return Record{}, fmt.Errorf("device: ISSUE %q: %w", req.RequestID, err)
	}
	cmd := CmdIssue
	if req.Invoice.Red != nil {
		cmd = CmdIssueRed
	}
	return c.record(ctx, cmd, b, req.RequestID)
}

func (c *Client) record(ctx context.Context, cmd Command, payload []byte, requestID string) (Record, error) {
	body, err := c.call(ctx, cmd, payload, requestID)
	if err != nil {
		return Record{}, err
	}
	var r Record
	if err := r.UnmarshalBinary(body); err != nil {
		return Record{}, fmt.Errorf("device: %s answer: %w", cmd, err)
	}
	return r, nil
}

// QueryByNumber returns the journal record of the invoice code/number (CodeNotFound if
// the device never issued it).
func (c *Client) QueryByNumber(ctx context.Context, code, number string) (Record, error) {
	return c.record(ctx, CmdQueryNumber, mustArgs(Args{Texts: []string{code, number}}), "")
}

// QueryByRequestID returns the invoice issued for requestID, or CodeNotFound: the
// definite answer to ErrOutcomeUnknown.
func (c *Client) QueryByRequestID(ctx context.Context, requestID string) (Record, error) {
	b, err := (&Args{Texts: []string{requestID}}).MarshalBinary()
	if err != nil {
		return Record{}, err
	}
	return c.record(ctx, CmdQueryReq, b, "")
}

// Last returns the last invoice issued (CodeNotFound on a new device).
func (c *Client) Last(ctx context.Context) (Record, error) {
	return c.record(ctx, CmdQueryLast, nil, "")
}

// Journal returns up to n records from document counter from (1 is the first), in
// order; fewer (possibly none) at the end of the journal or when a page is full.
func (c *Client) Journal(ctx context.Context, from uint64, n int) ([]Record, error) {
	// The third number bounds the page's bytes (PROTOCOL.md §5): at a slow baud rate a
	// page of n records could outlast any deadline.
	body, err := c.call(ctx, CmdJournal, mustArgs(Args{Nums: []uint64{from, uint64(n), uint64(c.pageBytes())}}), "")
	if err != nil {
		return nil, err
	}
	return UnmarshalRecords(body)
}

// Export returns the next upload packet: up to max records not yet acknowledged, signed
// by the device. An empty packet means nothing is pending.
func (c *Client) Export(ctx context.Context, max int) (UploadPacket, error) {
	var p UploadPacket
	body, err := c.call(ctx, CmdExport, mustArgs(Args{Nums: []uint64{uint64(max)}}), "")
	if err == nil {
		err = p.UnmarshalBinary(body)
	}
	return p, err
}

// UploadAck writes the tax authority's acknowledgement back to the device, which clears
// its offline counters through ack.Through. It returns the counters after.
func (c *Client) UploadAck(ctx context.Context, ack UploadAck) (Offline, error) {
	b, err := ack.MarshalBinary()
	if err != nil {
		return Offline{}, err
	}
	var o Offline
	body, err := c.call(ctx, CmdUploadAck, b, ack.RequestID)
	if err == nil {
		err = o.UnmarshalBinary(body)
	}
	return o, err
}

// Report makes the monthly summary (抄报) of period (YYYYMM; "" for the open period).
func (c *Client) Report(ctx context.Context, requestID, period string) (Report, error) {
	b, err := (&Args{Texts: []string{requestID, period}}).MarshalBinary()
	if err != nil {
		return Report{}, err
	}
	var r Report
	body, err := c.call(ctx, CmdReport, b, requestID)
	if err == nil {
		err = r.UnmarshalBinary(body)
	}
	return r, err
}

// Clear closes the reported period (清卡) and returns the state after: issuing in the
// next month is unlocked.
func (c *Client) Clear(ctx context.Context, requestID, period string) (Status, error) {
	b, err := (&Args{Texts: []string{requestID, period}}).MarshalBinary()
	if err != nil {
		return Status{}, err
	}
	var s Status
	body, err := c.call(ctx, CmdClear, b, requestID)
	if err == nil {
		err = s.UnmarshalBinary(body)
	}
	return s, err
}
