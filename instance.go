package main

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/ui"
)

// newApp is the Fyne application with the program's icon and theme.
func newApp(dark, light bool) fyne.App {
	a := app.NewWithID("com.kaipiao.workstation")
	a.SetIcon(fyne.NewStaticResource("kaipiao.png", assets.Icon()))
	a.Settings().SetTheme(ui.NewTheme(dark, light))
	return a
}

// alreadyOpen ends a second start on a data folder that is open (err is
// workstation.ErrBusy): one window at a time. It brings the open window forward, or,
// where it cannot (X11, or the folder is held by a kaipiaoctl run), says in a window that
// Kaipiao is open; then exits 0. This process has no window of its own yet, so the title
// finds the other's.
func alreadyOpen(err error, dark, light bool) {
	fmt.Fprintf(os.Stderr, "kaipiao: %v\n", err)
	if bringForward(windowTitle) {
		fmt.Fprintln(os.Stderr, "kaipiao: brought the open window forward")
		os.Exit(0)
	}
	w := newApp(dark, light).NewWindow(windowTitle + " — 已打开")
	w.Resize(fyne.NewSize(520, 160))
	w.SetContent(container.NewVBox(
		widget.NewLabel("开票已经在另一个窗口中打开（或一个 kaipiaoctl 命令正在使用同一个数据文件夹）。\n请切换到那个窗口；命令结束后再打开。"),
		widget.NewButton("好", w.Close)))
	w.CenterOnScreen()
	w.ShowAndRun()
	os.Exit(0)
}
