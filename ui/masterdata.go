package ui

import (
	"bytes"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
	"github.com/shopspring/decimal"
)

// masterScreen is the administrator's master data: the buyers and goods the issue form
// suggests, edited one by one or exchanged with Excel.
type masterScreen struct {
	u       *UI
	content fyne.CanvasObject

	buyers      []invoice.Party
	goods       []workstation.Goods
	buyerTable  *selectTable
	goodsTable  *selectTable
	buyerSel    int // the selected row, -1 for none
	goodsSel    int
	form        *dialog.FormDialog // the edit form, while open
	fields      map[string]*entry  // its entries, by label
	buyerAction []*widget.Button   // those that need a selected buyer
	goodsAction []*widget.Button
}

var buyerColumns = []struct {
	title string
	width float32
	cell  func(p invoice.Party) string
}{
	{"购买方名称", 260, func(p invoice.Party) string { return p.Name }},
	{"纳税人识别号", 190, func(p invoice.Party) string { return p.TaxID }},
	{"地址电话", 260, func(p invoice.Party) string { return p.AddressPhone }},
	{"开户行及账号", 260, func(p invoice.Party) string { return p.BankAccount }},
	{"邮箱", 200, func(p invoice.Party) string { return p.Email }},
}

var goodsColumns = []struct {
	title string
	width float32
	cell  func(g workstation.Goods) string
}{
	{"商品名称", 220, func(g workstation.Goods) string { return g.Name }},
	{"税收分类编码", 190, func(g workstation.Goods) string { return g.TaxCode }},
	{"简称", 120, func(g workstation.Goods) string { return g.ShortName }},
	{"税率", 70, func(g workstation.Goods) string { return g.Rate.Percent() }},
	{"单位", 60, func(g workstation.Goods) string { return g.Unit }},
	{"规格型号", 120, func(g workstation.Goods) string { return g.Spec }},
	{"单价（不含税）", 120, func(g workstation.Goods) string { return g.Price.String() }},
}

func newMasterScreen(u *UI) *masterScreen {
	m := &masterScreen{u: u, buyerSel: -1, goodsSel: -1}
	m.buyerTable = newTable(func() int { return len(m.buyers) }, len(buyerColumns),
		func(r, c int) string { return buyerColumns[c].cell(m.buyers[r]) },
		func(c int) (string, float32) { return buyerColumns[c].title, buyerColumns[c].width },
		func(r int) { m.buyerSel = r; enable(m.buyerAction, true) })
	m.goodsTable = newTable(func() int { return len(m.goods) }, len(goodsColumns),
		func(r, c int) string { return goodsColumns[c].cell(m.goods[r]) },
		func(c int) (string, float32) { return goodsColumns[c].title, goodsColumns[c].width },
		func(r int) { m.goodsSel = r; enable(m.goodsAction, true) })
	m.buyerAction = []*widget.Button{
		widget.NewButton(lang.L("编辑"), func() { m.askBuyer(m.buyerSel) }),
		widget.NewButton(lang.L("删除"), func() { m.confirmDelete(true) }),
	}
	m.goodsAction = []*widget.Button{
		widget.NewButton(lang.L("编辑"), func() { m.askGoods(m.goodsSel) }),
		widget.NewButton(lang.L("删除"), func() { m.confirmDelete(false) }),
	}
	bar := func(add func(), actions []*widget.Button, imp, exp func()) fyne.CanvasObject {
		objs := append([]fyne.CanvasObject{widget.NewButton(lang.L("新增"), add)}, buttons(actions)...)
		return container.NewHBox(append(objs, widget.NewButton(lang.L("从Excel导入"), imp),
			widget.NewButton(lang.L("导出Excel"), exp))...)
	}
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("购买方"), container.NewBorder(
			bar(func() { m.askBuyer(-1) }, m.buyerAction, func() { m.askImport(true) }, func() { m.askExport(true) }),
			nil, nil, nil, m.buyerTable)),
		container.NewTabItem(lang.L("商品"), container.NewBorder(
			bar(func() { m.askGoods(-1) }, m.goodsAction, func() { m.askImport(false) }, func() { m.askExport(false) }),
			nil, nil, nil, m.goodsTable)))
	m.content = tabs
	m.reload()
	return m
}

func enable(bs []*widget.Button, on bool) {
	for _, b := range bs {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// reload reads the master data again; nothing stays selected.
func (m *masterScreen) reload() {
	var err error
	if m.buyers, err = m.u.ws.Service.Buyers(); err != nil {
		showError(m.u.win, err)
	}
	if m.goods, err = m.u.ws.Service.AllGoods(); err != nil {
		showError(m.u.win, err)
	}
	m.buyerSel, m.goodsSel = -1, -1
	m.buyerTable.UnselectAll()
	m.goodsTable.UnselectAll()
	enable(m.buyerAction, false)
	enable(m.goodsAction, false)
	m.buyerTable.Refresh()
	m.goodsTable.Refresh()
}

// showForm opens the edit form over the fields (label, value); save gets the entries.
func (m *masterScreen) showForm(title string, fields [][2]string, save func(map[string]string) error) {
	m.fields = map[string]*entry{}
	var items []*widget.FormItem
	for _, f := range fields {
		e := newEntry()
		e.SetText(f[1])
		m.fields[f[0]] = e
		items = append(items, widget.NewFormItem(lang.L(f[0]), e))
	}
	m.form = dialog.NewForm(title, lang.L("保存"), lang.L("取消"), items, func(ok bool) {
		m.form = nil
		if !ok {
			return
		}
		values := map[string]string{}
		for k, e := range m.fields {
			values[k] = strings.TrimSpace(e.Text)
		}
		if err := save(values); err != nil {
			showError(m.u.win, err)
			return
		}
		m.reload()
	}, m.u.win)
	m.form.Resize(fyne.NewSize(560, 0))
	m.form.Show()
}

// askBuyer edits the buyer at row i, or a new one for -1.
func (m *masterScreen) askBuyer(i int) {
	var old *invoice.Party
	var p invoice.Party
	if i >= 0 && i < len(m.buyers) {
		old = &m.buyers[i]
		p = *old
	}
	m.showForm(lang.L("购买方"), [][2]string{{"购买方名称", p.Name}, {"纳税人识别号", p.TaxID}, {"地址电话", p.AddressPhone},
		{"开户行及账号", p.BankAccount}, {"邮箱", p.Email}}, func(v map[string]string) error {
		n := invoice.Party{Name: v["购买方名称"], TaxID: v["纳税人识别号"], AddressPhone: v["地址电话"],
			BankAccount: v["开户行及账号"], Email: v["邮箱"]}
		ws := m.u.ws
		if err := ws.Service.PutBuyers(n); err != nil {
			return err
		}
		if old != nil && (old.Name != n.Name || old.TaxID != n.TaxID) {
			return ws.Service.DeleteBuyer(old.Name, old.TaxID)
		}
		return nil
	})
}

// askGoods edits the goods at row i, or a new item for -1.
func (m *masterScreen) askGoods(i int) {
	var old *workstation.Goods
	var g workstation.Goods
	price := ""
	if i >= 0 && i < len(m.goods) {
		old = &m.goods[i]
		g = *old
		price = g.Price.String()
	}
	rate := ""
	if old != nil {
		rate = g.Rate.Percent()
	}
	m.showForm(lang.L("商品"), [][2]string{{"商品名称", g.Name}, {"税收分类编码", g.TaxCode}, {"税率", rate},
		{"零税率标识", string(g.ZeroRate)}, {"单位", g.Unit}, {"规格型号", g.Spec}, {"单价（不含税）", price}},
		func(v map[string]string) error {
			n := workstation.Goods{Name: v["商品名称"], TaxCode: v["税收分类编码"], ZeroRate: invoice.ZeroRate(v["零税率标识"]),
				Unit: v["单位"], Spec: v["规格型号"]}
			tc, ok := m.u.ws.Service.Rules().Codes.Lookup(n.TaxCode)
			if !ok || tc.ShortName == "" {
				return errors.New(say("goods.tax_code_unknown", invoice.Args{"value": n.TaxCode}))
			}
			n.ShortName = tc.ShortName
			r, err := invoice.ParseRate(v["税率"])
			if err != nil {
				return errors.New(say("goods.rate_format", invoice.Args{"value": v["税率"]}))
			}
			n.Rate = r
			if v["单价（不含税）"] != "" {
				if n.Price, err = decimal.NewFromString(v["单价（不含税）"]); err != nil {
					return errors.New(say("goods.price_format", invoice.Args{"value": v["单价（不含税）"]}))
				}
			}
			ws := m.u.ws
			if err := ws.Service.PutGoods(n); err != nil {
				return err
			}
			if old != nil && (old.Name != n.Name || old.Spec != n.Spec) {
				return ws.Service.DeleteGoods(old.Name, old.Spec)
			}
			return nil
		})
}

// confirmDelete asks before deleting the selected buyer or goods.
func (m *masterScreen) confirmDelete(buyer bool) {
	what := ""
	switch {
	case buyer && m.buyerSel >= 0:
		what = m.buyers[m.buyerSel].Name
	case !buyer && m.goodsSel >= 0:
		what = m.goods[m.goodsSel].Name
	default:
		return
	}
	showConfirm(m.u.win, lang.L("删除"), lang.L("删除“{{.Name}}”？已开具的发票不受影响。", map[string]any{"Name": what}), lang.L("删除"), nil, func() {
		if err := m.deleteSelected(buyer); err != nil {
			showError(m.u.win, err)
		}
	})
}

// deleteSelected deletes the selected buyer (or goods) from the master data.
func (m *masterScreen) deleteSelected(buyer bool) error {
	ws := m.u.ws
	var err error
	if buyer {
		p := m.buyers[m.buyerSel]
		err = ws.Service.DeleteBuyer(p.Name, p.TaxID)
	} else {
		g := m.goods[m.goodsSel]
		err = ws.Service.DeleteGoods(g.Name, g.Spec)
	}
	m.reload()
	return err
}

// importData adds the buyers (or goods) of a workbook, all or none, and returns how many.
func (m *masterScreen) importData(buyer bool, data []byte) (int, error) {
	defer m.reload()
	if buyer {
		return m.u.ws.Service.ImportBuyers(data)
	}
	return m.u.ws.Service.ImportGoods(data)
}

// exportTo writes the buyers (or goods) to a workbook at path.
func (m *masterScreen) exportTo(buyer bool, path string) error {
	var buf bytes.Buffer
	var err error
	if buyer {
		err = export.WriteBuyers(&buf, m.buyers)
	} else {
		err = export.WriteGoods(&buf, m.goods)
	}
	if err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

func (m *masterScreen) askImport(buyer bool) {
	openFile(m.u.win, []string{".xlsx"}, func(name string, data []byte) error {
		n, err := m.importData(buyer, data)
		if err != nil {
			return errors.New(say("import.failed", invoice.Args{"file": name, "err": clerkMessage(err)}))
		}
		showInfo(m.u.win, lang.L("已导入"), lang.L("{{.N}} 条", map[string]any{"N": n}))
		return nil
	})
}

func (m *masterScreen) askExport(buyer bool) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := m.exportTo(buyer, path); err != nil {
			showError(m.u.win, failed("export.failed", err))
			return
		}
		showInfo(m.u.win, lang.L("已导出"), path)
	}, m.u.win)
	name := lang.L("商品")
	if buyer {
		name = lang.L("购买方")
	}
	d.SetFileName(name + ".xlsx")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx"}))
	inDocuments(d).Show()
}
