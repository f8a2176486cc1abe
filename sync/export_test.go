package sync

import (
	"github.com/emmansun/gmsm/pkcs"
	"github.com/emmansun/gmsm/pkcs8"
)

// The sync tests write and read dozens of key files per rig: they use scrypt at a cost
// of 2^10 rather than 2^15, or the suite takes minutes. Everything else (the format,
// the cipher, ReadKey following the file's own parameters) is as in production.
func init() {
	keyEncryption = pkcs.NewPBESEncrypter(pkcs.AES256GCM, pkcs8.ScryptOpts{SaltSize: 16,
		CostParameter: 1 << 10, BlockSize: 8, ParallelizationParameter: 1})
}
