package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
)

// bbolt's file layout (go.etcd.io/bbolt/internal/common), read here without bbolt: a
// page starts with a 16-byte header (id, flags, count, overflow); branch and leaf pages
// follow it with count 16-byte elements whose keys and values sit further on the page.
// The meta page holds, after the header: magic, version, page size, flags, the root
// bucket (its root page and sequence), the freelist page, the high-water mark (pages in
// use), the transaction ID and a checksum (FNV-64a of what precedes it).
const (
	boltMagic      = 0xED0CDAED
	pageHeaderLen  = 16
	elementLen     = 16
	metaLen        = 64
	metaChecksumN  = 56
	branchPageFlag = 0x01
	leafPageFlag   = 0x02
	freelistFlag   = 0x10
	bucketLeafFlag = 0x01
	noFreelist     = math.MaxUint64
	bucketHeadLen  = 16 // a bucket's value: its root page and sequence; an inline page follows when root is 0
)

// boltMeta is the meta page bbolt will use: the valid one with the higher transaction.
type boltMeta struct {
	pageSize uint64
	root     uint64 // the root bucket's root page
	freelist uint64
	hwm      uint64 // pages in use: every page reached must be below it
	txid     uint64
}

// readMeta reads both meta pages and picks bbolt's: of those whose magic and checksum
// hold, the one with the higher transaction ID. ok is false when neither holds.
func readMeta(f io.ReaderAt) (m boltMeta, ok bool, err error) {
	buf := make([]byte, pageHeaderLen+metaLen)
	for _, second := range []bool{false, true} {
		off := int64(0)
		if second {
			// The second meta page sits one page in: its size is in the first meta, or
			// the common 4096 when that one is unreadable.
			off = 4096
			if ok {
				off = int64(m.pageSize) // #nosec G115 -- checked below MaxInt64 / hwm
			}
		}
		if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
			return m, false, err
		}
		b := buf[pageHeaderLen:]
		h := fnv.New64a()
		h.Write(b[:metaChecksumN])
		if le32(b[0:]) != boltMagic || h.Sum64() != le64(b[metaChecksumN:]) {
			continue
		}
		c := boltMeta{pageSize: uint64(le32(b[8:])), root: le64(b[16:]), freelist: le64(b[32:]), hwm: le64(b[40:]), txid: le64(b[48:])}
		if c.pageSize < pageHeaderLen+metaLen || c.hwm > math.MaxInt64/c.pageSize {
			continue // a checksummed meta with absurd numbers: treat as unreadable
		}
		if !ok || c.txid > m.txid {
			m, ok = c, true
		}
	}
	return m, ok, nil
}

// pageWalk reads a bbolt file's tree of pages from the file itself, never through bbolt's
// mapping: bbolt follows page numbers as it finds them, so a damaged file whose branch
// page points back up its own tree sends bbolt's cursor round for ever, growing its stack
// until the process runs out of memory. pageWalk reaches each page at most once, checks
// that it is below the high-water mark, not on the freelist, of the kind its parent
// expects and holds its elements within itself, and reports what is not so.
//
// A full walk reads every page (Check, Salvage). A quick walk (every Open) reads the
// branch pages and, of the pages a branch points to, only the first: when that is a leaf,
// the others are taken to be leaves too (a B+tree's leaves are all at one depth) and only
// their numbers are checked. That is enough to find any page number that points back up
// the tree, or anywhere else in use, or free: each is then reached twice, or free. It
// reads about one page in a hundred, which keeps the open of a year's file in
// milliseconds (BENCHMARKS.md). What it does not see: a leaf page below a branch whose
// flags were turned into a branch's (two bits at once), which bbolt would follow into
// its elements' bytes read as page numbers; a full walk (Check, `store check`, the check
// at open after a crash) reads that page and reports it.
type pageWalk struct {
	f    io.ReaderAt
	size uint64 // the file's: a page past its end is not allocated for, let alone read
	m    boltMeta
	full bool
	seen bitset
	free bitset
	buf  []byte // a quick walk's page buffer
	// soft records damage that does not stop the walk (a page in use that the freelist
	// also lists: it is still read, for Salvage to take what it holds).
	soft []error
}

// bitset is a set of page numbers below the high-water mark: a year's file has a
// million pages, too many for a map at every open.
type bitset []uint64

func (b bitset) has(i uint64) bool { return b[i/64]&(1<<(i%64)) != 0 }
func (b bitset) add(i uint64)      { b[i/64] |= 1 << (i % 64) }

func newPageWalk(f io.ReaderAt, size int64, m boltMeta, full bool) (*pageWalk, error) {
	w := &pageWalk{f: f, size: uint64(max(size, 0)), m: m, full: full}
	if m.hwm > w.size/m.pageSize {
		return nil, fmt.Errorf("its pages reach %d bytes, the file holds %d (it was cut short)", m.hwm*m.pageSize, w.size)
	}
	w.seen, w.free = make(bitset, m.hwm/64+1), make(bitset, m.hwm/64+1)
	return w, nil
}

// reach checks that page id, with its overflow pages, is one the file holds and not one
// already reached, and marks it reached.
func (w *pageWalk) reach(id, overflow uint64) error {
	if id < 2 || id >= w.m.hwm || overflow >= w.m.hwm-id {
		return fmt.Errorf("page %d (of %d) is outside the pages in use (2 to %d)", id, overflow+1, w.m.hwm-1)
	}
	for i := id; i <= id+overflow; i++ {
		if w.seen.has(i) {
			return fmt.Errorf("page %d is reached twice (the tree loops or two parents share it)", i)
		}
		if w.free.has(i) {
			w.soft = append(w.soft, fmt.Errorf("page %d is in use and on the freelist", i))
		}
		w.seen.add(i)
	}
	return nil
}

// inUse checks that page id is one of the file's pages in use (not a meta page).
func (w *pageWalk) inUse(id uint64) error {
	if id < 2 || id >= w.m.hwm {
		return fmt.Errorf("page %d is outside the pages in use (2 to %d)", id, w.m.hwm-1)
	}
	return nil
}

// read reads p from page id on and checks that the page says it is page id.
func (w *pageWalk) read(id uint64, p []byte) error {
	if _, err := w.f.ReadAt(p, int64(id*w.m.pageSize)); err != nil { // #nosec G115 -- id < hwm ≤ size / pageSize
		return fmt.Errorf("page %d: %w", id, err)
	}
	if got := le64(p[0:]); got != id {
		return fmt.Errorf("page %d says it is page %d", id, got)
	}
	return nil
}

// flags reads page id's header alone: the kind of page it says it is.
func (w *pageWalk) flags(id uint64) (uint16, error) {
	if err := w.inUse(id); err != nil {
		return 0, err
	}
	var head [pageHeaderLen]byte
	if err := w.read(id, head[:]); err != nil {
		return 0, err
	}
	return le16(head[8:]), nil
}

// page reads page id whole, with its overflow pages, and marks it reached. In a quick
// walk the bytes are the walk's own buffer, good until the next call; in a full walk
// they are fresh (Salvage keeps what it is given).
func (w *pageWalk) page(id uint64) ([]byte, error) {
	if err := w.inUse(id); err != nil {
		return nil, err
	}
	p := w.buf
	if w.full || uint64(len(p)) < w.m.pageSize {
		p = make([]byte, w.m.pageSize)
	}
	p = p[:w.m.pageSize]
	if err := w.read(id, p); err != nil {
		return nil, err
	}
	overflow := uint64(le32(p[12:]))
	if err := w.reach(id, overflow); err != nil {
		return nil, err
	}
	if overflow > 0 {
		// reach has checked that the overflow pages are in the file.
		p = append(p, make([]byte, overflow*w.m.pageSize)...)
		if _, err := w.f.ReadAt(p[w.m.pageSize:], int64((id+1)*w.m.pageSize)); err != nil { // #nosec G115 -- as above
			return nil, fmt.Errorf("page %d: %w", id, err)
		}
	}
	if !w.full {
		w.buf = p
	}
	return p, nil
}

// bucket walks the tree of pages from root, in key order, calling fn with each leaf
// element it reads. A page that is damaged is reported and skipped with what hangs below
// it; the rest of the bucket is still walked (Salvage takes what it yields).
func (w *pageWalk) bucket(root uint64, full bool, fn func(k, v []byte, flags uint32) error) []error {
	var errs []error
	stack := []uint64{root}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		p, err := w.page(id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch le16(p[8:]) {
		case branchPageFlag:
			children, err := branchChildren(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("page %d: %w", id, err))
				continue
			}
			if !full && len(children) > 0 {
				if flags, err := w.flags(children[0]); err == nil && flags == leafPageFlag {
					for _, c := range children {
						if err := w.reach(c, 0); err != nil {
							errs = append(errs, fmt.Errorf("page %d points to %w", id, err))
						}
					}
					continue
				}
			}
			for i := len(children) - 1; i >= 0; i-- {
				stack = append(stack, children[i])
			}
		case leafPageFlag:
			if err := leafElements(p, fn); err != nil {
				errs = append(errs, fmt.Errorf("page %d: %w", id, err))
			}
		default:
			errs = append(errs, fmt.Errorf("page %d is neither a branch nor a leaf (flags %#x)", id, le16(p[8:])))
		}
	}
	return errs
}

// branchChildren is the pages a branch page points to, each element's key checked to lie
// within the page.
func branchChildren(p []byte) ([]uint64, error) {
	n := int(le16(p[10:]))
	if pageHeaderLen+n*elementLen > len(p) {
		return nil, fmt.Errorf("%d elements do not fit in %d bytes", n, len(p))
	}
	out := make([]uint64, n)
	for i := range n {
		e := pageHeaderLen + i*elementLen
		if end := uint64(e) + uint64(le32(p[e:])) + uint64(le32(p[e+4:])); end > uint64(len(p)) {
			return nil, fmt.Errorf("element %d's key runs past the page", i)
		}
		out[i] = le64(p[e+8:])
	}
	return out, nil
}

// leafElements calls fn with each element of a leaf page (a whole page, or an inline
// bucket's), each key and value checked to lie within it.
func leafElements(p []byte, fn func(k, v []byte, flags uint32) error) error {
	if len(p) < pageHeaderLen {
		return fmt.Errorf("%d bytes are too few for a page", len(p))
	}
	n := int(le16(p[10:]))
	if pageHeaderLen+n*elementLen > len(p) {
		return fmt.Errorf("%d elements do not fit in %d bytes", n, len(p))
	}
	for i := range n {
		e := pageHeaderLen + i*elementLen
		flags, pos, ksize, vsize := le32(p[e:]), uint64(le32(p[e+4:])), uint64(le32(p[e+8:])), uint64(le32(p[e+12:]))
		start := uint64(e) + pos
		if start+ksize+vsize > uint64(len(p)) {
			return fmt.Errorf("element %d runs past the page", i)
		}
		if err := fn(p[start:start+ksize], p[start+ksize:start+ksize+vsize], flags); err != nil {
			return err
		}
	}
	return nil
}

// walkFile walks the whole file as the program's bbolt files lay it out: the freelist
// page, the root bucket (always read whole: it lists the others) and each bucket it lists
// (inline or on pages of its own). A bucket inside a bucket is not followed: none of the
// program's files has one (the store, the digital channel's, the platform's). each, when not nil, is called with every entry read that is not
// itself a bucket. It returns what is damaged; none means every page bbolt will follow
// is sound.
func walkFile(f io.ReaderAt, size int64, m boltMeta, full bool, each func(bucket string, k, v []byte)) []pageDamage {
	w, err := newPageWalk(f, size, m, full)
	if err != nil {
		return []pageDamage{{bucket: "(file)", err: err}}
	}
	var out []pageDamage
	if m.freelist != noFreelist {
		if err := w.freelist(); err != nil {
			out = append(out, pageDamage{bucket: "(freelist)", err: err})
		}
	}
	type child struct {
		name   string
		root   uint64
		inline []byte
	}
	var buckets []child
	for _, err := range w.bucket(m.root, true, func(k, v []byte, flags uint32) error {
		if flags&bucketLeafFlag == 0 {
			return nil // the root bucket holds only buckets; a stray value is not followed
		}
		if len(v) < bucketHeadLen {
			return fmt.Errorf("bucket %q's header is %d bytes", k, len(v))
		}
		c := child{name: string(k), root: le64(v)}
		if c.root == 0 {
			c.inline = append([]byte(nil), v[bucketHeadLen:]...) // the page's bytes are reused
		}
		buckets = append(buckets, c)
		return nil
	}) {
		out = append(out, pageDamage{err: err})
	}
	for _, err := range w.soft {
		out = append(out, pageDamage{err: err})
	}
	for _, c := range buckets {
		w.soft = nil
		fn := func(k, v []byte, flags uint32) error {
			if flags&bucketLeafFlag != 0 {
				// Not followed (above): a flipped flag, or a file laid out otherwise.
				w.soft = append(w.soft, fmt.Errorf("key %x is marked as a bucket inside a bucket", k))
				return nil
			}
			if each != nil {
				each(c.name, k, v)
			}
			return nil
		}
		var errs []error
		if c.root == 0 {
			if len(c.inline) >= pageHeaderLen && le16(c.inline[8:]) != leafPageFlag {
				errs = append(errs, fmt.Errorf("its inline page is not a leaf (flags %#x)", le16(c.inline[8:])))
			} else if err := leafElements(c.inline, fn); err != nil {
				errs = append(errs, fmt.Errorf("its inline page: %w", err))
			}
		} else {
			errs = w.bucket(c.root, w.full, fn)
		}
		for _, err := range append(errs, w.soft...) {
			out = append(out, pageDamage{bucket: c.name, err: err})
		}
	}
	return out
}

// freelist reads the freelist page, which bbolt reads at open: its count must fit the
// page, and the pages it lists must be below the high-water mark; they are marked free.
func (w *pageWalk) freelist() error {
	p, err := w.page(w.m.freelist)
	if err != nil {
		return err
	}
	if le16(p[8:]) != freelistFlag {
		return fmt.Errorf("page %d is not the freelist (flags %#x)", w.m.freelist, le16(p[8:]))
	}
	n, at := uint64(le16(p[10:])), uint64(pageHeaderLen)
	if n == 0xFFFF { // the count overflows into the first element
		n, at = le64(p[pageHeaderLen:]), pageHeaderLen+8
	}
	if n > (uint64(len(p))-at)/8 {
		return fmt.Errorf("page %d lists %d free pages, more than it can hold", w.m.freelist, n)
	}
	for i := range n {
		id := le64(p[at+8*i:])
		if id < 2 || id >= w.m.hwm {
			return fmt.Errorf("page %d lists page %d as free, outside the pages in use", w.m.freelist, id)
		}
		w.free.add(id)
	}
	return nil
}

// pageDamage is one finding of a pageWalk: the bucket ("" for the root bucket, which
// lists the others) and what is wrong with which page.
type pageDamage struct {
	bucket string
	err    error
}

// pageFile is a bbolt file opened to be walked page by page.
type pageFile struct {
	f    *os.File
	size int64
	m    boltMeta
}

// openPageFile opens the file at path and reads its meta; a file with no valid meta page
// wraps as (ErrDamaged, or the file's owner's sentinel).
func openPageFile(path string, as error) (*pageFile, error) {
	f, err := os.Open(path) // #nosec G304 -- the store's own path, or the damaged one being repaired
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	m, ok, err := readMeta(f)
	if err == nil && !ok {
		err = fmt.Errorf("store: %s: neither meta page is valid: %w", path, as)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &pageFile{f: f, size: st.Size(), m: m}, nil
}

// walk is walkFile over the file.
func (p *pageFile) walk(full bool, each func(bucket string, k, v []byte)) []pageDamage {
	return walkFile(p.f, p.size, p.m, full, each)
}

func (p *pageFile) Close() error { return p.f.Close() }

// checkPages reads the file at path (held open, and locked, by bbolt: nothing else
// writes it meanwhile) and returns its damage as an error wrapping as (ErrDamaged, or the
// owner's sentinel) naming the bucket and page, or nil when every page bbolt will follow
// is sound.
func checkPages(path string, as error) error {
	p, err := openPageFile(path, as)
	if err != nil {
		return err
	}
	defer p.Close()
	if d := p.walk(false, nil); len(d) > 0 {
		return fmt.Errorf("store: %s: %s: %w", path, d[0], as)
	}
	return nil
}

func (d pageDamage) String() string {
	switch d.bucket {
	case "":
		return "the list of buckets: " + d.err.Error()
	case "(freelist)":
		return "the freelist: " + d.err.Error()
	case "(file)":
		return d.err.Error()
	}
	return "bucket " + d.bucket + ": " + d.err.Error()
}

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
