package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/pdf/pdftest"
)

// TestDigitalPreview: a 数电 invoice and a 数电 draft preview in the 数电 layout (210 mm
// wide, about 950 pixels at the preview's resolution), the draft with a 20-digit number
// whose region is the seller's province.
func TestDigitalPreview(t *testing.T) {
	inv, err := pdftest.DigitalExample("01-software-service.json", pdftest.DigitalNumber(42))
	if err != nil {
		t.Fatal(err)
	}
	draft := draftForPreview(inv)
	if len(draft.Number) != 20 || draft.Number[2:4] != "35" || draft.Code != "" {
		t.Errorf("the draft's number %q code %q", draft.Number, draft.Code)
	}
	for name, v := range map[string]*invoice.Invoice{"issued": inv, "draft": draft} {
		pages, err := previewPages(v)
		if err != nil {
			t.Fatal(err)
		}
		size := pages.(*container.Scroll).Content.MinSize()
		if size.Width < 900 || size.Width > 1000 || size.Height < 600 {
			t.Errorf("%s: the preview is %v; the 数电 face is 210 × 140 mm, about 950 × 634 pixels", name, size)
		}
	}

	// The preview dialog of a red 数电 invoice, as the clerk opens it from the list.
	red, err := pdftest.DigitalRed(inv, pdftest.DigitalNumber(43), "35020026112600000007")
	if err != nil {
		t.Fatal(err)
	}
	app := test.NewTempApp(t)
	app.Settings().SetTheme(NewTheme(false, true))
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 820))
	if showPreview(w, "预览 "+red.Number, red, nil) == nil {
		t.Fatal("no preview dialog")
	}
	screenshot(t, w, "digital-preview")
	dismissDialogs(w)
}
