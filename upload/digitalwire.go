package upload

import "time"

// The digital channel's calls to the platform (docs/digital.md "The platform side"):
// number segments and quota fetched, numbers and quota given back. Both are sealed
// envelopes like every other call; each carries its own request ID, by which the
// platform answers a request sent again with the answer it gave (an envelope itself may
// not be sent twice).
const (
	PathDigitalFetch  = "/v1/digital/fetch"  // KindDigitalFetch → DigitalFetchAnswer
	PathDigitalReturn = "/v1/digital/return" // KindDigitalReturn → DigitalReturnAnswer

	KindDigitalFetch  = "digital-fetch"  // DigitalFetch: numbers and quota asked for
	KindDigitalReturn = "digital-return" // DigitalReturn: numbers and quota given back
)

// MaxFetchNumbers is the most numbers one fetch may ask for (预赋码, docs/digital.md).
const MaxFetchNumbers = 5000

// Segment is a run of consecutive 20-digit invoice numbers, first and last included.
type Segment struct {
	First string `json:"first"`
	Last  string `json:"last"`
}

// DigitalFetch asks for numbers and quota. Quota is an amount in yuan ("1000.00").
type DigitalFetch struct {
	ID      string `json:"id"`
	Numbers int    `json:"numbers"`
	Quota   string `json:"quota"`
}

// DigitalFetchAnswer is what the platform assigned: the segments in the order they are
// to be used, the quota granted for Period (YYYY-MM), and the upload deadline.
type DigitalFetchAnswer struct {
	ID             string    `json:"id"`
	Segments       []Segment `json:"segments"`
	Quota          string    `json:"quota"`
	Period         string    `json:"period"`
	UploadDeadline time.Time `json:"upload_deadline"`
}

// PeriodAmount is an amount of quota of one month.
type PeriodAmount struct {
	Period string `json:"period"`
	Amount string `json:"amount"`
}

// DigitalReturn gives back quota per month and numbers never used (未使用).
type DigitalReturn struct {
	ID     string         `json:"id"`
	Quota  []PeriodAmount `json:"quota"`
	Unused []Segment      `json:"unused"`
}

// DigitalReturnAnswer is what the platform recorded.
type DigitalReturnAnswer struct {
	ID     string         `json:"id"`
	Quota  []PeriodAmount `json:"quota"`
	Unused []Segment      `json:"unused"`
}
