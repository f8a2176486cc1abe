package workstation

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// AuditKeyEnv names a folder for the audit keys instead of the default.
const AuditKeyEnv = "KAIPIAO_AUDIT_KEY_DIR"

// AuditKeyPath is where the audit key of the data folder data lives: outside it, in the
// user's configuration folder (kaipiao-keys/audit-<the folder's hash>.key), or in
// KAIPIAO_AUDIT_KEY_DIR. A copy of the data folder, or someone who can write only there,
// cannot reseal a rewritten audit log (docs/security.md).
func AuditKeyPath(data string) (string, error) {
	abs, err := filepath.Abs(data)
	if err != nil {
		return "", err
	}
	dir := os.Getenv(AuditKeyEnv)
	if dir == "" {
		conf, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("the audit key's folder: %w", err)
		}
		dir = filepath.Join(conf, "kaipiao-keys")
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "audit-"+hex.EncodeToString(sum[:8])+".key"), nil
}

// AuditKey reads the data folder's audit key, making it on first use (32 random bytes,
// mode 0600).
func AuditKey(data string) ([]byte, error) {
	path, err := AuditKeyPath(data)
	if err != nil {
		return nil, err
	}
	key, err := os.ReadFile(path) // #nosec G304 -- a path this program derives
	if err == nil && len(key) == 32 {
		return key, nil
	}
	if err == nil {
		return nil, fmt.Errorf("the audit key %s is damaged (%d bytes): restore it from a backup", path, len(key))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("the audit key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("the audit key's folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- as above
	if errors.Is(err, os.ErrExist) {
		return AuditKey(data) // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("the audit key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}
