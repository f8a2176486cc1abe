module github.com/kaipiao/kaipiao

go 1.26.0

require (
	github.com/creack/pty v1.1.24
	github.com/emmansun/gmsm v0.44.1
	github.com/shopspring/decimal v1.6.0
	github.com/tarm/serial v0.0.0-20180830185346-98f6abe2eb07
	go.bug.st/serial v1.8.0
	go.etcd.io/bbolt v1.5.0
	golang.org/x/term v0.48.0
	golang.org/x/text v0.44.0
)

require (
	golang.org/x/crypto v0.54.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
