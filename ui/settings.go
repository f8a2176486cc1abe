package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/workstation"
)

// settingsScreen is the administrator's: the seller and the operators.
type settingsScreen struct {
	u       *UI
	content fyne.CanvasObject

	name, taxID, addr, bank *entry
	operators               *widget.Label
	status                  *widget.Label
	audit                   *widget.Label
	mailSave                *widget.Button
	conn                    *connectionForm
	importForm              dialog.Dialog // the certificate import, while open
	mailFields              map[string]*entry
}

func newSettingsScreen(u *UI) *settingsScreen {
	s := &settingsScreen{u: u, name: newEntry(), taxID: newEntry(), addr: newEntry(),
		bank: newEntry(), operators: widget.NewLabel(""), status: widget.NewLabel("")}
	seller, _ := u.ws.Service.Seller()
	s.name.SetText(seller.Name)
	s.taxID.SetText(seller.TaxID)
	s.addr.SetText(seller.AddressPhone)
	s.bank.SetText(seller.BankAccount)
	sellerForm := widget.NewForm(
		widget.NewFormItem(lang.L("销售方名称"), s.name), widget.NewFormItem(lang.L("纳税人识别号"), s.taxID),
		widget.NewFormItem(lang.L("地址、电话"), s.addr), widget.NewFormItem(lang.L("开户行及账号"), s.bank))
	save := widget.NewButton(lang.L("保存销售方"), s.saveSeller)

	opName, opPass := newEntry(), newPasswordEntry()
	opRole := widget.NewSelect([]string{lang.L("开票员"), lang.L("管理员")}, nil)
	opRole.SetSelectedIndex(0)
	add := widget.NewButton(lang.L("添加操作员"), func() {
		role := workstation.RoleClerk
		if opRole.SelectedIndex() == 1 {
			role = workstation.RoleAdmin
		}
		if err := u.ws.Service.CreateOperator(strings.TrimSpace(opName.Text), role, opPass.Text); err != nil {
			s.status.SetText(operatorError(err).Error())
			return
		}
		s.status.SetText(lang.L("已添加操作员 {{.Name}}", map[string]any{"Name": strings.TrimSpace(opName.Text)}))
		opName.SetText("")
		opPass.SetText("")
		s.listOperators()
	})
	s.listOperators()
	s.audit = widget.NewLabel("")
	s.audit.Wrapping = fyne.TextWrapWord
	verify := widget.NewButton(lang.L("验证审计日志"), s.verifyAudit)
	s.content = container.NewVScroll(container.NewVBox(
		widget.NewCard(lang.L("销售方"), lang.L("打印在发票上的开票单位信息"), container.NewVBox(sellerForm, container.NewHBox(save))),
		widget.NewCard(lang.L("操作员"), "", container.NewVBox(s.operators,
			widget.NewForm(widget.NewFormItem(lang.L("姓名"), opName), widget.NewFormItem(lang.L("密码"), opPass),
				widget.NewFormItem(lang.L("角色"), opRole)), container.NewHBox(add))),
		s.connectionCard(),
		s.mailCard(),
		widget.NewCard(lang.L("审计日志"), lang.L("每条记录以SM3哈希链接：修改或删除任何一条都会被发现"),
			container.NewVBox(container.NewHBox(verify), s.audit)),
		s.status))
	return s
}

func (s *settingsScreen) saveSeller() {
	p := invoice.Party{Name: strings.TrimSpace(s.name.Text), TaxID: strings.TrimSpace(s.taxID.Text),
		AddressPhone: strings.TrimSpace(s.addr.Text), BankAccount: strings.TrimSpace(s.bank.Text)}
	if problem, _ := invoice.CheckTaxID(p.TaxID); problem != "" || p.Name == "" {
		s.status.SetText(say("settings.seller_invalid", invoice.Args{"problem": string(problem)}))
		return
	}
	if err := s.u.ws.Service.SetSeller(p); err != nil {
		s.status.SetText(clerkMessage(err))
		return
	}
	s.status.SetText(lang.L("已保存销售方"))
}

func (s *settingsScreen) listOperators() {
	ops, err := s.u.ws.Service.Operators()
	if err != nil {
		s.operators.SetText(clerkMessage(err))
		return
	}
	var lines []string
	for _, op := range ops {
		role := lang.L("开票员")
		if op.Role == workstation.RoleAdmin {
			role = lang.L("管理员")
		}
		lines = append(lines, lang.L("{{.Name}}（{{.Role}}）", map[string]any{"Name": op.Name, "Role": role}))
	}
	s.operators.SetText(strings.Join(lines, "\n"))
}

// verifyAudit walks the audit log's hash chain and shows its newest entries.
func (s *settingsScreen) verifyAudit() {
	n, err := s.u.ws.Service.VerifyAudit()
	var b strings.Builder
	if err != nil {
		b.WriteString(say("audit.check_failed", invoice.Args{"err": clerkMessage(err)}) + "\n")
	} else {
		b.WriteString(say("audit.intact", invoice.Args{"n": fmt.Sprint(n)}) + "\n")
	}
	from := uint64(1)
	if n > 20 {
		from = uint64(n - 19)
	}
	entries, _ := s.u.ws.Service.AuditLog(from, 20)
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		fmt.Fprintf(&b, "%d  %s  %s  %s  %s  %s\n", e.Seq, e.At.In(invoice.Beijing).Format("2006-01-02 15:04:05"), e.Operator,
			e.Action, e.Subject, e.Detail)
	}
	s.audit.SetText(b.String())
}

var errNotAdmin = invoice.NewSentinel("access.settings")
