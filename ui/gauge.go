package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// gauge is a progress bar whose empty part looks empty: Fyne's draws its track in a
// tint of the fill colour, so that 0 % reads as full at a glance. The track here is the
// input background, the text the ordinary foreground.
type gauge struct {
	widget.BaseWidget
	Value         float64 // 0 to 1
	TextFormatter func() string
}

func newGauge() *gauge {
	g := &gauge{}
	g.TextFormatter = func() string { return fmt.Sprintf("%.0f%%", g.Value*100) }
	g.ExtendBaseWidget(g)
	return g
}

// SetValue shows a new value, clamped to 0…1.
func (g *gauge) SetValue(v float64) {
	g.Value = max(0, min(1, v))
	g.Refresh()
}

func (g *gauge) CreateRenderer() fyne.WidgetRenderer {
	r := &gaugeRenderer{g: g, track: canvas.NewRectangle(color.Transparent), fill: canvas.NewRectangle(color.Transparent),
		text: canvas.NewText("", color.Black)}
	r.text.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

type gaugeRenderer struct {
	g           *gauge
	track, fill *canvas.Rectangle
	text        *canvas.Text
}

func (r *gaugeRenderer) Layout(size fyne.Size) {
	r.track.Resize(size)
	r.fill.Resize(fyne.NewSize(size.Width*float32(r.g.Value), size.Height))
	r.text.Resize(size)
}

func (r *gaugeRenderer) MinSize() fyne.Size {
	return fyne.NewSize(80, r.text.MinSize().Height+theme.InnerPadding())
}

func (r *gaugeRenderer) Refresh() {
	th := r.g.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.track.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.track.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	r.track.StrokeWidth = 1
	r.track.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.fill.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.fill.CornerRadius = r.track.CornerRadius
	r.text.Color = th.Color(theme.ColorNameForeground, v)
	r.text.TextSize = th.Size(theme.SizeNameText)
	if r.g.TextFormatter != nil {
		r.text.Text = r.g.TextFormatter()
	}
	r.Layout(r.g.Size())
	canvas.Refresh(r.g)
}

func (r *gaugeRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.fill, r.text}
}

func (r *gaugeRenderer) Destroy() {}
