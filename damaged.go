package main

import (
	"errors"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/store"
)

// exitOnOpenError ends the program when the data folder could not be opened. A damaged
// data file gets a window of its own that says so and gives the way out — started from
// an icon, the clerk would never see a message on stderr; anything else goes to stderr.
func exitOnOpenError(data string, err error, th fyne.Theme) {
	fmt.Fprintf(os.Stderr, "kaipiao: %v\n", err)
	if !errors.Is(err, store.ErrDamaged) {
		os.Exit(2)
	}
	a := app.NewWithID("com.kaipiao.workstation")
	a.Settings().SetTheme(th) // the program's theme carries the CJK font
	w := a.NewWindow("开票 Kaipiao — 数据文件已损坏")
	msg := widget.NewLabel(fmt.Sprintf("数据文件已损坏，开票程序不能打开它。已开具的发票没有丢失：它们保存在税控设备的记录里，"+
		"并已（或将）上传到服务平台。\n\n请按以下步骤恢复：\n"+
		"1. 检查：kaipiaoctl --data %s store check\n"+
		"2. 修复：kaipiaoctl --data %s store repair\n"+
		"   （损坏的文件会被保留在旁边；新文件由可读的记录、税控设备的记录和服务平台重建）\n\n"+
		"The data file is damaged and cannot be opened. Issued invoices are not lost: the device's journal "+
		"holds them and the platform has (or will have) them. Run `kaipiaoctl store check`, then "+
		"`kaipiaoctl store repair` (the damaged file is kept aside).\n\n%v", data, data, err))
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewPadded(container.NewVBox(msg, widget.NewButton("退出", func() { a.Quit() }))))
	w.Resize(fyne.NewSize(820, 460))
	w.ShowAndRun()
	os.Exit(2)
}
