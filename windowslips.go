package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/ui"
	"github.com/kaipiao/kaipiao/upload"
	"github.com/kaipiao/kaipiao/workstation"
)

// windowSlips is the window's 红字确认单 screen over the platform's slips (the
// enterprise's signed client) and the workstation's red invoice of a slip
// (workstation.RedFromSlip, as `kaipiaoctl red --slip` issues it).
type windowSlips struct {
	client *upload.SlipClient
	ws     *workstation.Workstation
}

var _ ui.Slips = windowSlips{}

// ourTaxID is this workstation's enterprise: the seller it issues as.
func (s windowSlips) ourTaxID() string { return s.ws.Engine.Seller.TaxID }

func (s windowSlips) List(ctx context.Context, incoming bool) ([]ui.Slip, error) {
	list, err := s.client.List(ctx, incoming)
	if err != nil {
		return nil, err
	}
	out := make([]ui.Slip, 0, len(list))
	for i := range list {
		out = append(out, slipView(&list[i], s.ourTaxID()))
	}
	return out, nil
}

func (s windowSlips) Request(ctx context.Context, r ui.SlipRequest) (ui.Slip, error) {
	req := upload.SlipRequest{RequestID: r.RequestID, Of: r.Of, Reason: strconv.Itoa(int(r.Reason)), Quick: r.Quick}
	for _, n := range r.Lines {
		req.Lines = append(req.Lines, invoice.RedLineRequest{Line: n}) // the whole line: no quantity or amount
	}
	if r.Amount > 0 {
		req.Amount = r.Amount.String()
	}
	got, err := s.client.Request(ctx, req)
	if err != nil {
		return ui.Slip{}, err
	}
	return slipView(got, s.ourTaxID()), nil
}

func (s windowSlips) Answer(ctx context.Context, slip string, a ui.SlipAction) (ui.Slip, error) {
	var action string
	switch a {
	case ui.SlipConfirm:
		action = upload.SlipConfirm
	case ui.SlipRefuse:
		action = upload.SlipRefuse
	case ui.SlipWithdraw:
		action = upload.SlipWithdraw
	default:
		return ui.Slip{}, errors.New("unknown answer " + string(a))
	}
	got, err := s.client.Answer(ctx, slip, action)
	if err != nil {
		return ui.Slip{}, err
	}
	return slipView(got, s.ourTaxID()), nil
}

// IssueRed reads the slip as the platform has it now and issues its red invoice.
func (s windowSlips) IssueRed(ctx context.Context, slip string) (*invoice.Invoice, error) {
	sl, err := s.client.Get(ctx, slip)
	if err != nil {
		return nil, err
	}
	out, err := s.ws.RedFromSlip(ctx, sl, "", s.client) // claims the slip on the platform first
	if err != nil {
		return nil, err
	}
	return out.Invoice, nil
}

// slipView is a platform's slip as the window shows it: amounts positive, the side
// this enterprise is on told by its tax ID.
func slipView(s *upload.Slip, us string) ui.Slip {
	v := ui.Slip{ID: s.Number, Blue: s.Blue, BySeller: s.Initiator == "seller", State: ui.SlipState(s.State),
		Seller: invoice.Party{Name: s.SellerName, TaxID: s.SellerTaxID}, Buyer: invoice.Party{Name: s.BuyerName, TaxID: s.BuyerTaxID},
		Created: s.CreatedAt, Deadline: s.Deadline, Red: s.RedNumber}
	if s.BlueCode != "" {
		v.Blue = s.BlueCode + " " + s.Blue
	}
	weSell := s.SellerTaxID == us
	v.Incoming = weSell != v.BySeller
	if r, err := upload.ParseSlipReason(s.Reason); err == nil {
		v.Reason = r
	}
	if m, err := invoice.ParseMoney(strings.TrimPrefix(s.Amount, "-")); err == nil {
		v.Amount = m
	}
	if m, err := invoice.ParseMoney(strings.TrimPrefix(s.Tax, "-")); err == nil {
		v.Tax = m
	}
	for _, l := range s.Lines {
		v.Lines = append(v.Lines, l.Line)
	}
	return v
}

// wireDigital gives the window the digital channel's parts: the channel in use and the
// choice of the next one, the numbers and quota on the digital channel (fetched through
// the sync's client), and the 红字确认单 screen wherever the platform and the enterprise's keys are (on either channel: the enterprise
// is also the buyer of other enterprises' 数电票, whose slips it answers).
func wireDigital(screens *ui.Workstation, ws *workstation.Workstation, data, platform string, sync *upload.Syncer, syncErr error) {
	screens.Channel = ui.Channel(ws.Channel)
	screens.SetChannel = func(c ui.Channel) error { return ws.Store.SetChannel(string(c), screens.Operator) }
	if ws.Digital != nil {
		// No device panel: the service's Panel is a nil *DevicePanel there, which in the
		// interface would not be nil.
		screens.Device = nil
		d := windowDigital{ws: ws, noPlatform: errNoPlatform}
		if sync != nil { // a nil *Syncer in the interface would not be nil
			d.platform = sync
		} else if syncErr != nil {
			d.noPlatform = fmt.Errorf("与服务平台 %s 的连接未建立（%v）：请管理员在“设置”中检查服务平台地址和企业证书，重新启动后领取", platform, syncErr)
		}
		screens.Digital = d
	}
	if platform == "" {
		return
	}
	c, err := workstation.SlipClient(data, platform)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kaipiao: the 红字确认单 screen is off: %v\n", err)
		return
	}
	screens.Slips = windowSlips{client: c, ws: ws}
}
