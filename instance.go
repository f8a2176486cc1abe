package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// showAlreadyOpen tells the clerk, in w, that Kaipiao is already open on this data
// folder, and returns when they close it.
func showAlreadyOpen(w fyne.Window) {
	w.SetTitle(windowTitle + " — 已打开")
	w.Resize(fyne.NewSize(520, 160))
	w.SetContent(container.NewVBox(
		widget.NewLabel("开票已经在另一个窗口中打开（或一个 kaipiaoctl 命令正在使用同一个数据文件夹）。\n请切换到那个窗口；命令结束后再打开。"),
		widget.NewButton("好", w.Close)))
	w.CenterOnScreen()
	w.ShowAndRun()
}
