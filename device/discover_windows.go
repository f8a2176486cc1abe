package device

import "golang.org/x/sys/windows/registry"

// systemPortNames lists the COM ports Windows has mapped (HKLM\HARDWARE\DEVICEMAP\
// SERIALCOMM). The USB enumeration (SetupAPI) misses ports that no device node
// describes, such as virtual null-modem pairs or Wine's mapped ports; they are still
// ports the clerk may choose, listed by name only.
func systemPortNames() []string {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `HARDWARE\DEVICEMAP\SERIALCOMM`, registry.QUERY_VALUE)
	if err != nil {
		return nil
	}
	defer k.Close()
	values, err := k.ReadValueNames(0)
	if err != nil {
		return nil
	}
	var names []string
	for _, v := range values {
		if name, _, err := k.GetStringValue(v); err == nil && name != "" {
			names = append(names, name)
		}
	}
	return names
}
