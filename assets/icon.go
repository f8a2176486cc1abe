package assets

import _ "embed"

//go:embed icon.png
var icon []byte

// Icon returns the program's icon, 票 on seal red, as a 256-pixel PNG (drawn by
// scripts/icon; the .exe's copy is assets/windows/kaipiao.ico).
func Icon() []byte { return icon }
