// Package pdftest builds issued invoices and signing credentials for tests and demos of
// package pdf: the example orders of docs/examples checked with the embedded code table,
// then given the fields a device would return. Nothing here is fit for production.
package pdftest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/kaipiao/kaipiao/assets"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/orderfile"
)

// Seller is the enterprise the sample invoices are issued by.
var Seller = invoice.Party{
	Name:         "厦门开票软件科技有限公司",
	TaxID:        "913502000728319549",
	AddressPhone: "厦门市思明区软件园二期望海路10号 0592-5550100",
	BankAccount:  "招商银行厦门分行营业部 592901234510001",
}

// IssuedAt is when the sample invoices were issued: 2026-11-26 10:30 China time.
var IssuedAt = time.Date(2026, 11, 26, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))

// Config is the checking configuration of the samples: the embedded code table, the
// simulator's limits, the seller and operator 张三.
func Config() (invoice.Config, error) {
	codes, err := invoice.ParseTaxCodes(bytes.NewReader(assets.TaxCodesCSV()), assets.TaxCodesVersion)
	if err != nil {
		return invoice.Config{}, err
	}
	return invoice.Config{Codes: codes, Limits: invoice.DefaultLimits, Seller: Seller, Operator: "张三"}, nil
}

// Example checks docs/examples/<name> and issues it as invoice number.
func Example(name, number string) (*invoice.Invoice, error) {
	data, err := os.ReadFile(filepath.Join(repoRoot(), "docs", "examples", name))
	if err != nil {
		return nil, err
	}
	orders, err := orderfile.DecodeOrders(data)
	if err != nil {
		return nil, err
	}
	return Issue(orders[0], number)
}

// Issue checks an order and fills in what the device would return, so that the
// result prints like a real issued invoice.
func Issue(o *invoice.Order, number string) (*invoice.Invoice, error) {
	cfg, err := Config()
	if err != nil {
		return nil, err
	}
	c, errs := invoice.Check(o, cfg)
	if errs != nil {
		return nil, fmt.Errorf("pdftest: order %s: %w", o.OrderID, errs)
	}
	inv := c.Invoice
	inv.Seller = Seller
	inv.Issued = Device(number)
	return inv, nil
}

// Device is what the device returns for invoice number: fixed code, machine, time and
// check code, and a cipher text and signature that vary with the number.
func Device(number string) invoice.Issued {
	const alphabet = "0123456789+-*/<>"
	cipher := make([]byte, 108)
	seed := uint32(2166136261)
	for _, c := range []byte(number) {
		seed = (seed ^ uint32(c)) * 16777619
	}
	for i := range cipher {
		seed = seed*1664525 + 1013904223
		cipher[i] = alphabet[seed>>28]
	}
	return invoice.Issued{
		Code:      "035020026011",
		Number:    number,
		Machine:   "661234567890",
		IssuedAt:  IssuedAt,
		CheckCode: "03712" + "45890" + "12667" + number[3:],
		Cipher:    string(cipher),
		Signature: []byte{0x5A, 0x3C, byte(seed), byte(seed >> 8)},
	}
}

// Red reverses blue entirely, with a user remark, issued as number.
func Red(blue *invoice.Invoice, number string) (*invoice.Invoice, error) {
	cfg, err := Config()
	if err != nil {
		return nil, err
	}
	o := &invoice.Order{
		OrderID: "RED-" + blue.Number,
		Remark:  "客户退货，原发票全额冲红",
		Issuer:  "张三",
		RedOf:   &invoice.RedRequest{Code: blue.Code, Number: blue.Number, Reason: int(invoice.ReasonReturn)},
	}
	red, errs := invoice.Reverse(blue, nil, o, cfg)
	if errs != nil {
		return nil, fmt.Errorf("pdftest: red of %s: %w", blue.Number, errs)
	}
	red.Seller = Seller
	red.Issued = Device(number)
	return red, nil
}

// Long is an invoice of n lines (n ≤ 2000), issued as number: names and specs of every
// length up to the limits, quantities and prices with up to 8 decimals, three rates.
func Long(n int, number string) (*invoice.Invoice, error) {
	o := &invoice.Order{
		OrderID: fmt.Sprintf("LONG-%d", n),
		Buyer: invoice.OrderBuyer{
			Name:         "厦门示例科技有限公司",
			TaxID:        "91350200776049653A",
			AddressPhone: "厦门市思明区示例路1号 0592-1234567",
			BankAccount:  "中国银行厦门分行 4101234567890",
		},
		Remark: "批量采购合同 HT-2026-118",
		Payee:  "王五", Reviewer: "李四", Issuer: "张三",
	}
	names := []string{"计算机配件", "固态硬盘（企业级，带断电保护）", "显示器支架", "机械键盘（青轴，全尺寸，一百零四键，白色背光）"}
	specs := []string{"", "A1", "SSD-3840G-U.2 NVMe PCIe4.0", "KB-104"}
	prices := []string{"120.5", "3.33333333", "19.9", "128.8"}
	quantities := []string{"1", "3", "2.5", "12"}
	for i := range n {
		o.Lines = append(o.Lines, invoice.OrderLine{
			Name:      fmt.Sprintf("%s%03d", names[i%4], i+1),
			TaxCode:   "1090509020000000000",
			Spec:      specs[i%4],
			Unit:      "件",
			Quantity:  quantities[i%4],
			UnitPrice: prices[i%4],
			TaxRate:   "0.13",
		})
	}
	return Issue(o, number)
}

// repoRoot is the module's root, found from this file's place in it.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
