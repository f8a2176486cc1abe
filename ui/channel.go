package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// channelChoice lets the administrator choose how the workstation issues, at the first
// run and in the settings, with what each choice means for the clerk beside it.
type channelChoice struct {
	radio   *widget.RadioGroup
	about   *widget.RichText
	content fyne.CanvasObject
	// changed hears of the choice (the device field is off for the digital channel).
	changed func(Channel)
}

// channelLabels are the choices in the order the radio lists them.
var channelLabels = []struct {
	ch    Channel
	label string
}{
	{ChannelDevice, "税控设备开票"},
	{ChannelDigital, "数电票（无需税控设备）"},
}

// channelAbout explains the two channels to the clerk: what each needs and what the
// invoices look like. Markdown, both always shown: the clerk compares before choosing.
const channelAbout = `**税控设备开票**：发票代码和号码由税控设备（税控盘、金税盘或税务UKey）分配并签名。适用于仍使用税控设备的企业；开票时须连接设备，离线开票受设备的离线金额和时长限制。

**数电票**：全面数字化的电子发票，不需要税控设备。发票号码为20位，没有发票代码；号码和开票额度（授信额度）预先从服务平台领取，断网时也可开票，联网后自动上传，须在上传截止时间前上传。红字发票须先经对方确认“红字发票信息确认单”。适用于已切换到数电票的企业。`

func newChannelChoice(current Channel, changed func(Channel)) *channelChoice {
	c := &channelChoice{changed: changed}
	labels := make([]string, len(channelLabels))
	for i, l := range channelLabels {
		labels[i] = lang.L(l.label)
	}
	c.radio = widget.NewRadioGroup(labels, func(string) {
		if c.changed != nil {
			c.changed(c.channel())
		}
	})
	c.radio.Horizontal = true
	c.radio.Required = true // one of the two, always
	c.setChannel(current)
	c.about = widget.NewRichTextFromMarkdown(lang.L(channelAbout))
	c.about.Wrapping = fyne.TextWrapWord
	c.content = container.NewVBox(c.radio, c.about)
	return c
}

// channel is the one chosen: the device unless the digital channel is.
func (c *channelChoice) channel() Channel {
	for _, l := range channelLabels {
		if lang.L(l.label) == c.radio.Selected {
			return l.ch
		}
	}
	return ChannelDevice
}

func (c *channelChoice) setChannel(ch Channel) {
	if ch != ChannelDigital {
		ch = ChannelDevice
	}
	for _, l := range channelLabels {
		if l.ch == ch {
			c.radio.SetSelected(lang.L(l.label))
		}
	}
}

// channelOf is the workstation's channel, the device's when none is set.
func channelOf(ws *Workstation) Channel {
	if ws.Channel == ChannelDigital {
		return ChannelDigital
	}
	return ChannelDevice
}

// setupChannel is the channel choice of the first run, or nil when the program offers
// none; the device field is off while the digital channel is chosen.
func setupChannel(ws *Workstation, conn *connectionForm) *channelChoice {
	if ws.SetChannel == nil {
		return nil
	}
	return newChannelChoice(channelOf(ws), conn.channelChanged)
}
