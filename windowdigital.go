package main

import (
	"context"
	"errors"

	"github.com/kaipiao/kaipiao/digital"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/ui"
	"github.com/kaipiao/kaipiao/workstation"
)

// windowDigital is the home screen's digital channel: the numbers and quota the data
// folder's channel holds (workstation.DigitalStatus, as `kaipiaoctl digital status`
// prints it), fetched from and given back to the platform through the sync's client.
type windowDigital struct {
	ws       *workstation.Workstation
	platform digital.Platform // nil without a platform: fetch and return refuse with noPlatform
	// noPlatform says why there is no platform: none set, or its client did not start.
	noPlatform error
}

var _ ui.DigitalChannel = windowDigital{}

var errNoPlatform = errors.New("未配置服务平台：请管理员在“设置 → 设备与服务平台”中填写服务平台地址，重新启动后领取")

func (d windowDigital) Status(context.Context) (ui.DigitalStatus, error) {
	st, err := d.ws.DigitalStatus()
	if err != nil {
		return ui.DigitalStatus{}, err
	}
	v := ui.DigitalStatus{NumbersHeld: st.NumbersHeld, NextNumber: st.NextNumber, PendingUpload: st.PendingUpload,
		UploadDeadline: st.UploadDeadline}
	v.QuotaHeld, _ = invoice.ParseMoney(st.QuotaHeld)
	v.QuotaUsed, _ = invoice.ParseMoney(st.QuotaUsed)
	return v, nil
}

func (d windowDigital) Fetch(ctx context.Context, numbers int, quota invoice.Money) (ui.DigitalStatus, error) {
	if d.platform == nil {
		return ui.DigitalStatus{}, d.noPlatform
	}
	if _, err := d.ws.Digital.Fetch(ctx, d.platform, numbers, quota); err != nil {
		return ui.DigitalStatus{}, err
	}
	return d.Status(ctx)
}

func (d windowDigital) Return(ctx context.Context) (ui.DigitalReturned, error) {
	if d.platform == nil {
		return ui.DigitalReturned{}, d.noPlatform
	}
	before, err := d.ws.DigitalStatus()
	if err != nil {
		return ui.DigitalReturned{}, err
	}
	ans, err := d.ws.Digital.Return(ctx, d.platform)
	if err != nil {
		return ui.DigitalReturned{}, err
	}
	got := ui.DigitalReturned{Numbers: before.NumbersHeld}
	for _, q := range ans.Quota {
		if m, err := invoice.ParseMoney(q.Amount); err == nil {
			got.Quota += m
		}
	}
	return got, nil
}
