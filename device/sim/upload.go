package sim

import (
	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/taxack"
	bolt "go.etcd.io/bbolt"
)

// recordsBetween reads the journal records from..through (inclusive).
func recordsBetween(tx *bolt.Tx, from, through uint64) ([]device.Record, error) {
	var out []device.Record
	for n := from; n <= through; n++ {
		r, ok, err := getRecord(tx, n)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, refuse(device.CodeInternal, "journal record %d missing", n)
		}
		out = append(out, r)
	}
	return out, nil
}

// export packs up to max records after the last acknowledged one and signs the packet.
func (d *Device) export(session uint32, max int) ([]byte, error) {
	if err := d.needPIN(session); err != nil {
		return nil, err
	}
	if max <= 0 {
		max = 100
	}
	st := d.st
	p := device.UploadPacket{Machine: st.Machine, From: st.UploadedThrough + 1, Through: min(st.Counter, st.UploadedThrough+uint64(max))}
	err := d.db.View(func(tx *bolt.Tx) error {
		var err error
		p.Records, err = recordsBetween(tx, p.From, p.Through)
		return err
	})
	if err != nil {
		return nil, err
	}
	if p.Digest, err = device.RecordsDigest(p.Records); err != nil {
		return nil, err
	}
	if p.Signature, err = d.ident.Signer.SignCore(device.PacketSigned(&p)); err != nil {
		return nil, err
	}
	return p.MarshalBinary()
}

// uploadAck checks the authority's signature and the digest of the acknowledged records,
// then moves the upload watermark and recomputes the offline counters, atomically.
func (d *Device) uploadAck(session uint32, payload []byte) ([]byte, error) {
	var ack device.UploadAck
	if err := ack.UnmarshalBinary(payload); err != nil {
		return nil, err
	}
	if err := d.needPIN(session); err != nil {
		return nil, err
	}
	if !taxack.Verify(d.cfg.Authority, &ack) {
		return nil, refuse(device.CodeBadAck, "signature does not verify with the trusted authority key")
	}
	hashed := append([]byte(nil), device.AckSigned(&ack)...)
	return d.idempotent(device.CmdUploadAck, ack.RequestID, hashed, func(tx *bolt.Tx, st *persisted) ([]byte, error) {
		if ack.Machine != st.Machine || ack.From == 0 || ack.From > ack.Through || ack.Through > st.Counter || ack.From > st.UploadedThrough+1 {
			return nil, refuse(device.CodeBadAck, "range %d..%d for machine %s; device %s has %d..%d pending",
				ack.From, ack.Through, ack.Machine, st.Machine, st.UploadedThrough+1, st.Counter)
		}
		recs, err := recordsBetween(tx, ack.From, ack.Through)
		if err != nil {
			return nil, err
		}
		digest, err := device.RecordsDigest(recs)
		if err != nil {
			return nil, err
		}
		if digest != ack.Digest {
			return nil, refuse(device.CodeBadAck, "digest does not match records %d..%d", ack.From, ack.Through)
		}
		if ack.Through > st.UploadedThrough {
			st.UploadedThrough = ack.Through
			rest, err := recordsBetween(tx, st.UploadedThrough+1, st.Counter)
			if err != nil {
				return nil, err
			}
			st.PendingAmount, st.OldestPending = 0, 0
			for i, r := range rest {
				if i == 0 {
					st.OldestPending = r.Invoice.IssuedAt.Unix()
				}
				if a := r.Invoice.Totals().Amount; a > 0 {
					st.PendingAmount += a
				}
			}
		}
		saved := d.st
		d.st = st
		o := d.offline()
		d.st = saved
		return o.MarshalBinary()
	})
}

// report makes the summary (抄报) of a period that has ended.
func (d *Device) report(session uint32, payload []byte, args device.Args) ([]byte, error) {
	if err := d.needPIN(session); err != nil {
		return nil, err
	}
	period := args.Text(1)
	if period == "" {
		period = d.st.Period
	}
	if period != d.st.Period {
		return nil, refuse(device.CodeBadRequest, "period %s is not the open period %s", period, d.st.Period)
	}
	if monthIndex(month(d.cfg.Clock.Now())) <= monthIndex(period) {
		return nil, refuse(device.CodePeriodOpen, "period %s has not ended", period)
	}
	return d.idempotent(device.CmdReport, args.Text(0), []byte(period), func(tx *bolt.Tx, st *persisted) ([]byte, error) {
		rep := device.Report{Period: period}
		err := tx.Bucket(bucketJournal).ForEach(func(k, v []byte) error {
			var r device.Record
			if err := r.UnmarshalBinary(v); err != nil {
				return err
			}
			if month(r.Invoice.IssuedAt) != period {
				return nil
			}
			addToReport(&rep, &r)
			return nil
		})
		if err != nil {
			return nil, err
		}
		st.Reported = period
		return rep.MarshalBinary()
	})
}

func addToReport(rep *device.Report, r *device.Record) {
	t := r.Invoice.Totals()
	if rep.First == 0 {
		rep.First = r.Counter
	}
	rep.Last = r.Counter
	if r.Invoice.Red != nil {
		rep.RedCount++
		rep.RedAmount += t.Amount
		rep.RedTax += t.Tax
		return
	}
	rep.Count++
	rep.Amount += t.Amount
	rep.Tax += t.Tax
}

// clear closes a reported period whose invoices are all uploaded (清卡).
func (d *Device) clear(session uint32, payload []byte, args device.Args) ([]byte, error) {
	if err := d.needPIN(session); err != nil {
		return nil, err
	}
	period := args.Text(1)
	if period == "" {
		period = d.st.Period
	}
	_, err := d.idempotent(device.CmdClear, args.Text(0), []byte(period), func(tx *bolt.Tx, st *persisted) ([]byte, error) {
		if st.Period != period || st.Reported != period {
			return nil, refuse(device.CodeNotReported, "period %s: open period %s, reported %q", period, st.Period, st.Reported)
		}
		var last uint64
		err := tx.Bucket(bucketJournal).ForEach(func(k, v []byte) error {
			var r device.Record
			if err := r.UnmarshalBinary(v); err != nil {
				return err
			}
			if monthIndex(month(r.Invoice.IssuedAt)) <= monthIndex(period) {
				last = r.Counter
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if last > st.UploadedThrough {
			return nil, refuse(device.CodeNotReported, "invoices up to %d of %s not uploaded (acknowledged through %d)", last, period, st.UploadedThrough)
		}
		st.Period = periodOf(monthIndex(period) + 1)
		st.Reported = ""
		return []byte{}, nil
	})
	if err != nil {
		return nil, err
	}
	s := d.status()
	return s.MarshalBinary()
}
