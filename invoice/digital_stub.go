package invoice

// TEMPORARY (helper i18docs): the digital kinds as docs/DIGITAL-CONTRACT describes them,
// until helper i18a's model lands on main; this file goes when it does.

// The digital channel's kinds.
const (
	KindDigitalOrdinary Kind = "digital-ordinary" // 电子发票（普通发票）
	KindDigitalSpecial  Kind = "digital-special"  // 电子发票（增值税专用发票）
)

// Digital reports whether the kind is one of the digital channel's.
func (k Kind) Digital() bool { return k == KindDigitalOrdinary || k == KindDigitalSpecial }
