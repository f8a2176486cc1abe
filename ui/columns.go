package ui

import "fyne.io/fyne/v2"

// columns lays out a row's cells side by side, each taking its weight's share of the
// width: a line's tax code needs room for 19 digits, its unit for two characters.
type columns []float32

func (c columns) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	var total float32
	for _, w := range c {
		total += w
	}
	const gap = 4
	avail := size.Width - gap*float32(len(objects)-1)
	x := float32(0)
	for i, o := range objects {
		w := avail / float32(len(objects))
		if i < len(c) && total > 0 {
			w = avail * c[i] / total
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + gap
	}
}

func (c columns) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h, w float32
	for _, o := range objects {
		m := o.MinSize()
		h = max(h, m.Height)
		w += m.Width
	}
	return fyne.NewSize(w, h)
}
