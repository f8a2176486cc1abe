package device

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.bug.st/serial/enumerator"
)

// PortInfo describes a serial port the system has.
type PortInfo struct {
	Name      string `json:"name"` // device node, e.g. /dev/ttyUSB0
	ByID      string `json:"by_id,omitempty"`
	IsUSB     bool   `json:"usb"`
	VendorID  string `json:"vendor_id,omitempty"`
	ProductID string `json:"product_id,omitempty"`
	Serial    string `json:"serial,omitempty"`
	Product   string `json:"product,omitempty"`
}

// ListPorts lists the system's serial ports with their USB identity, and the stable
// /dev/serial/by-id name where there is one.
func ListPorts() ([]PortInfo, error) {
	ports, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, fmt.Errorf("device: list serial ports: %w", err)
	}
	byID := byIDNames()
	out := make([]PortInfo, 0, len(ports))
	listed := map[string]bool{}
	for _, p := range ports {
		out = append(out, PortInfo{
			Name: p.Name, ByID: byID[p.Name], IsUSB: p.IsUSB,
			VendorID: strings.ToLower(p.VID), ProductID: strings.ToLower(p.PID),
			Serial: p.SerialNumber, Product: p.Product,
		})
		listed[p.Name] = true
	}
	for _, name := range systemPortNames() {
		if !listed[name] {
			out = append(out, PortInfo{Name: name})
			listed[name] = true
		}
	}
	return out, nil
}

// byIDNames maps device nodes to their /dev/serial/by-id links.
func byIDNames() map[string]string {
	m := map[string]string{}
	links, _ := filepath.Glob("/dev/serial/by-id/*")
	for _, l := range links {
		if t, err := filepath.EvalSymlinks(l); err == nil {
			m[t] = l
		}
	}
	return m
}

// FindByUSBSerial finds the port whose USB serial number is serial: after re-enumeration
// the same device may come back as another ttyUSBn.
func FindByUSBSerial(serial string) (PortInfo, error) {
	ports, err := ListPorts()
	if err != nil {
		return PortInfo{}, err
	}
	for _, p := range ports {
		if p.IsUSB && p.Serial == serial {
			if _, err := os.Stat(p.Name); err == nil {
				return p, nil
			}
		}
	}
	return PortInfo{}, fmt.Errorf("device: no serial port with USB serial number %q", serial)
}
