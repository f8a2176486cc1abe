package assets

import "embed"

// Translations holds the screens' translations for fyne's lang package, one JSON file per
// language. The keys are the Chinese texts themselves, so that the code reads as the
// clerk's screen does; zh_Hans.json maps each to itself (and merges with Fyne's own
// Chinese), en.json to its English.
//
//go:embed translations/*.json
var Translations embed.FS
