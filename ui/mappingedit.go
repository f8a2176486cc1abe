package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/orderfile"
)

// mappingEditor sets up a column mapping from an ERP's table: each of the file's headers
// is matched to a column of docs/order.md (or ignored), and the mapping is saved under a
// name for the inbox's 列对应 choice.
type mappingEditor struct {
	b       *inbox
	name    *entry
	headers []string
	choices []*widget.Select
	status  *widget.Label
}

// columnChoices are what a header can be mapped to: nothing, or a column by its name in
// the screens' language (its Chinese header in the Chinese window), with its English
// header beside it.
func columnChoices() []string {
	out := []string{lang.L("（不导入）")}
	for _, c := range orderfile.TableColumns() {
		out = append(out, lang.L(c.ZH)+" ("+c.EN+")")
	}
	return out
}

// askMappingFile asks for an example file of the ERP's, whose headers are to be mapped.
func (b *inbox) askMappingFile() {
	openFile(b.u.win, []string{".xlsx", ".csv"}, func(name string, data []byte) error {
		_, err := b.editMapping(name, data)
		return err
	})
}

// editMapping opens the editor for a file's headers, each preset to the column of the
// same name where there is one.
func (b *inbox) editMapping(file string, data []byte) (*mappingEditor, error) {
	headers, err := orderfile.Headers(file, data)
	if err != nil {
		return nil, err
	}
	ed := &mappingEditor{b: b, name: newEntry(), headers: headers, status: widget.NewLabel("")}
	ed.status.Importance = widget.DangerImportance
	ed.name.SetPlaceHolder(lang.L("例如：用友导出"))
	options := columnChoices()
	form := widget.NewForm(widget.NewFormItem(lang.L("名称"), ed.name))
	for _, h := range headers {
		sel := widget.NewSelect(options, nil)
		sel.SetSelectedIndex(0)
		if canon, ok := orderfile.Canonical(h); ok {
			for i, c := range orderfile.TableColumns() {
				if c.EN == canon {
					sel.SetSelectedIndex(i + 1)
				}
			}
		}
		ed.choices = append(ed.choices, sel)
		form.Append(h, sel)
	}
	d := dialog.NewCustomConfirm(lang.L("列对应"), lang.L("保存"), lang.L("取消"),
		container.NewBorder(nil, ed.status, nil, nil, container.NewVScroll(form)), func(ok bool) {
			if ok {
				if err := ed.save(); err != nil {
					showError(b.u.win, err)
				}
			}
		}, b.u.win)
	d.Resize(fyne.NewSize(640, 560))
	d.Show()
	return ed, nil
}

// mapping is what the editor's choices say: header → column (English name), or
// orderfile.Ignore for a column left out.
func (ed *mappingEditor) mapping() orderfile.Mapping {
	m := orderfile.Mapping{}
	cols := orderfile.TableColumns()
	for i, h := range ed.headers {
		m[h] = orderfile.Ignore
		if k := ed.choices[i].SelectedIndex(); k > 0 {
			m[h] = cols[k-1].EN
		}
	}
	return m
}

// save checks and stores the mapping, and offers it in the inbox.
func (ed *mappingEditor) save() error {
	name := strings.TrimSpace(ed.name.Text)
	if name == "" {
		return fmt.Errorf("%s", lang.L("请给列对应起个名称"))
	}
	m := ed.mapping()
	if errs := m.Check(); len(errs) > 0 {
		return fmt.Errorf("%s", clerkMessage(errs))
	}
	if err := ed.b.u.ws.Service.SetColumnMapping(name, m); err != nil {
		return err
	}
	ed.b.reloadMappings()
	ed.b.mapping.SetSelected(name)
	return nil
}
