package orderfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/kaipiao/kaipiao/invoice"
)

// DecodeOrders reads an order file: one JSON object or an array of them. A file that is
// not JSON at all is an error; everything wrong inside an order is recorded in that
// order's DecodeErrors so that invoice.Check reports it with the rule errors.
func DecodeOrders(data []byte) ([]*invoice.Order, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("the file is empty")
	}
	// Nearly every file is well-formed: a strict typed decode (case-sensitive names,
	// unknown and duplicate members refused) reads it in one pass. Only when that fails
	// is the file validated and each order walked member by member, which is slower but
	// names every problem, not the first.
	strict := jsonv2.RejectUnknownMembers(true)
	if trimmed[0] != '[' {
		var o invoice.Order
		if jsonv2.Unmarshal(trimmed, &o, strict) == nil {
			return []*invoice.Order{&o}, nil
		}
		if !json.Valid(trimmed) {
			var v any
			return nil, fmt.Errorf("not valid JSON: %w", json.Unmarshal(trimmed, &v))
		}
		return []*invoice.Order{walkOrder(trimmed)}, nil
	}
	var all []invoice.Order
	if jsonv2.Unmarshal(trimmed, &all, strict) == nil && len(all) > 0 {
		orders := make([]*invoice.Order, len(all))
		for i := range all {
			orders[i] = &all[i]
		}
		return orders, nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(trimmed, &raws); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if len(raws) == 0 {
		return nil, fmt.Errorf("the file holds an empty list of orders")
	}
	orders := make([]*invoice.Order, len(raws))
	for i, raw := range raws {
		var o invoice.Order
		if jsonv2.Unmarshal(raw, &o, strict) == nil {
			orders[i] = &o
		} else {
			orders[i] = walkOrder(raw)
		}
	}
	return orders, nil
}

// decoder walks one order's JSON, recording every structural problem with its path.
type decoder struct {
	errs errList
}

// walkOrder decodes an order member by member, recording every problem with its path.
func walkOrder(raw json.RawMessage) *invoice.Order {
	d := &decoder{}
	d.duplicates(raw)
	o := &invoice.Order{}
	obj := d.object("", raw)
	d.fields("", obj, map[string]func(string, json.RawMessage){
		"order_id":           d.str(&o.OrderID),
		"type":               d.str(&o.Type),
		"price_includes_tax": d.boolean(&o.PriceIncludesTax),
		"remark":             d.str(&o.Remark),
		"payee":              d.str(&o.Payee),
		"reviewer":           d.str(&o.Reviewer),
		"issuer":             d.str(&o.Issuer),
		"buyer": func(path string, v json.RawMessage) {
			b := &o.Buyer
			d.fields(path, d.object(path, v), map[string]func(string, json.RawMessage){
				"name":          d.str(&b.Name),
				"tax_id":        d.str(&b.TaxID),
				"address_phone": d.str(&b.AddressPhone),
				"bank_account":  d.str(&b.BankAccount),
				"email":         d.str(&b.Email),
			})
		},
		"lines": func(path string, v json.RawMessage) {
			items := d.array(path, v)
			o.Lines = make([]invoice.OrderLine, len(items))
			for i, item := range items {
				l := &o.Lines[i]
				p := fmt.Sprintf("%s[%d]", path, i)
				d.fields(p, d.object(p, item), map[string]func(string, json.RawMessage){
					"name":       d.str(&l.Name),
					"tax_code":   d.str(&l.TaxCode),
					"spec":       d.str(&l.Spec),
					"unit":       d.str(&l.Unit),
					"quantity":   d.dec(&l.Quantity),
					"unit_price": d.dec(&l.UnitPrice),
					"amount":     d.dec(&l.Amount),
					"tax_rate":   d.dec(&l.TaxRate),
					"tax":        d.dec(&l.Tax),
					"zero_rate":  d.str(&l.ZeroRate),
					"discount":   d.dec(&l.Discount),
				})
			}
		},
		"red_of": func(path string, v json.RawMessage) {
			r := &invoice.RedRequest{}
			o.RedOf = r
			d.fields(path, d.object(path, v), map[string]func(string, json.RawMessage){
				"code":   d.str(&r.Code),
				"number": d.str(&r.Number),
				"reason": d.integer(&r.Reason),
				"notice": d.str(&r.Notice),
				"slip":   d.str(&r.Slip),
				"lines": func(path string, v json.RawMessage) {
					items := d.array(path, v)
					r.Lines = make([]invoice.RedLineRequest, len(items))
					for i, item := range items {
						rl := &r.Lines[i]
						p := fmt.Sprintf("%s[%d]", path, i)
						d.fields(p, d.object(p, item), map[string]func(string, json.RawMessage){
							"line":     d.integer(&rl.Line),
							"quantity": d.dec(&rl.Quantity),
							"amount":   d.dec(&rl.Amount),
						})
					}
				},
			})
		},
	})
	o.DecodeErrors = d.errs.es
	return o
}

// duplicates records a member name given twice in one object: the walker would
// otherwise take the last silently, and a value given twice is as suspect as a typo.
func (d *decoder) duplicates(raw json.RawMessage) {
	var v any
	err := jsonv2.Unmarshal(raw, &v)
	var serr *jsontext.SyntacticError
	if !errors.As(err, &serr) || !errors.Is(serr.Err, jsontext.ErrDuplicateName) {
		return
	}
	path := pointerPath(string(serr.JSONPointer))
	d.errs.add(path, "field.duplicate", path, nil)
}

// pointerPath turns a JSON Pointer ("/lines/0/name") into a field path ("lines[0].name").
func pointerPath(ptr string) string {
	var b strings.Builder
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

func (d *decoder) object(path string, v json.RawMessage) map[string]json.RawMessage {
	if isNull(v) {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		d.typeError(path, v, "object")
		return nil
	}
	return m
}

func (d *decoder) array(path string, v json.RawMessage) []json.RawMessage {
	if isNull(v) {
		return nil
	}
	var a []json.RawMessage
	if err := json.Unmarshal(v, &a); err != nil {
		d.typeError(path, v, "array")
		return nil
	}
	return a
}

// fields dispatches each member to its handler in a fixed order (sorted names) so that
// errors come out the same way every time; a member without a handler is an unknown field.
func (d *decoder) fields(path string, obj map[string]json.RawMessage, handlers map[string]func(string, json.RawMessage)) {
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := name
		if path != "" {
			p = path + "." + name
		}
		h, ok := handlers[name]
		if !ok {
			d.errs.add(p, "field.unknown", name, nil)
			continue
		}
		h(p, obj[name])
	}
}

// scalar reads a string, boolean or whole number into dst; kind names the expected type
// in the error (the catalogue's field.type/KIND). null leaves dst as it was.
func scalar[T any](d *decoder, dst *T, kind string) func(string, json.RawMessage) {
	return func(path string, v json.RawMessage) {
		if isNull(v) {
			return
		}
		if err := json.Unmarshal(v, dst); err != nil {
			d.typeError(path, v, kind)
		}
	}
}

func (d *decoder) str(dst *string) func(string, json.RawMessage) {
	return scalar(d, dst, "string")
}

func (d *decoder) boolean(dst *bool) func(string, json.RawMessage) {
	return scalar(d, dst, "boolean")
}

func (d *decoder) integer(dst *int) func(string, json.RawMessage) {
	return scalar(d, dst, "integer")
}

// dec reads a decimal that the format requires as a JSON string, so that no parser on
// the way can turn 0.1 into 0.1000000000000000055.
func (d *decoder) dec(dst *string) func(string, json.RawMessage) {
	return func(path string, v json.RawMessage) {
		if isNull(v) {
			return
		}
		if err := json.Unmarshal(v, dst); err != nil {
			raw := string(bytes.TrimSpace(v))
			if _, numErr := strconv.ParseFloat(raw, 64); numErr == nil {
				d.errs.add(path, "decimal.string", raw, nil)
				return
			}
			d.typeError(path, v, "decimal")
		}
	}
}

func (d *decoder) typeError(path string, v json.RawMessage, kind string) {
	raw := string(bytes.TrimSpace(v))
	if len(raw) > 40 {
		raw = raw[:40] + "…"
	}
	d.errs.add(path, "field.type/"+kind, raw, nil)
}
