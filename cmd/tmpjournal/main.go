package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/kaipiao/kaipiao/device"
)

func main() {
	opts := device.Options{Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05.000 ")+f+"\n", a...) }}
	c, err := device.Dial(context.Background(), device.SerialConfig{Path: os.Args[1], Baud: 115200}, opts)
	if err != nil {
		panic(err)
	}
	from := uint64(1)
	for {
		t := time.Now()
		recs, err := c.Journal(context.Background(), from, 64)
		if err != nil {
			fmt.Println("err", err, c.Stats())
			return
		}
		b, _ := device.MarshalRecords(recs)
		fmt.Println(from, len(recs), time.Since(t), len(b), time.Duration(len(b)+30)*10*time.Second/115200, c.Stats())
		if len(recs) == 0 {
			return
		}
		from = recs[len(recs)-1].Counter + 1
	}
}
